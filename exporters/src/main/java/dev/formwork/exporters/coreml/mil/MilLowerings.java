package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Node;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The ML Program lowering table, IR op type -> writer; each op family registers its entries. */
public final class MilLowerings {
    private static final Map<String, MilLowering> TABLE = new LinkedHashMap<>();

    static {
        ConvLowering.register(TABLE);
        PoolLowering.register(TABLE);
        MatMulLowering.register(TABLE);
        NormLowering.register(TABLE);
        ActivationLowering.register(TABLE);
        ElementwiseLowering.register(TABLE);
        ReduceLowering.register(TABLE);
        ShapeLowering.register(TABLE);
        SliceLowering.register(TABLE);
        ResizeLowering.register(TABLE);
        SpaceToDepthLowering.register(TABLE);
    }

    private MilLowerings() {}

    public static Set<String> ops() {
        return Collections.unmodifiableSet(TABLE.keySet());
    }

    public static MilLowering forNode(Node node) {
        MilLowering l = TABLE.get(node.opType());
        if (l == null) throw MilContext.refuse(node, "op " + node.opType() + " has no ML Program lowering");
        return l;
    }

    static int[] shape(dev.formwork.ir.Value v) {
        return v.shape().toArray();
    }

    /** Refuses nodes a layout pass moved to NHWC: Core ML convolutions and pools are NCHW. */
    static void nchwOnly(Node node) {
        Object layout = node.attributes().get("layout");
        if (layout != null && !"NCHW".equals(layout)) {
            throw new FormworkException("node " + node.name() + " (" + node.opType() + "): Core ML needs NCHW, node has layout " + layout);
        }
    }
}
