package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The NeuralNetwork lowering table, IR op type -> writer; each op family registers its entries. */
public final class NnLowerings {
    private static final Map<String, NnLowering> TABLE = new LinkedHashMap<>();

    static {
        NnConvLayers.register(TABLE);
        NnPoolLayers.register(TABLE);
        NnMatMulLayers.register(TABLE);
        NnNormLayers.register(TABLE);
        NnActivationLayers.register(TABLE);
        NnElementwiseLayers.register(TABLE);
        NnReduceLayers.register(TABLE);
        NnShapeLayers.register(TABLE);
        NnSliceLayers.register(TABLE);
        NnResizeLayers.register(TABLE);
    }

    private NnLowerings() {}

    public static Set<String> ops() {
        return Collections.unmodifiableSet(TABLE.keySet());
    }

    public static NnLowering forNode(Node node) {
        NnLowering l = TABLE.get(node.opType());
        if (l == null) throw NnContext.refuse(node, "op " + node.opType() + " has no NeuralNetwork layer in Formwork's Core ML schema");
        return l;
    }

    static List<String> one(String s) {
        return List.of(s);
    }

    static void nchwOnly(Node node) {
        Object layout = node.attributes().get("layout");
        if (layout != null && !"NCHW".equals(layout)) throw NnContext.refuse(node, "needs NCHW, node has layout " + layout);
    }
}
