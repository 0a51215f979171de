package dev.formwork.frontends.onnx;

import dev.formwork.frontends.onnx.OnnxFile.Attribute;
import dev.formwork.frontends.onnx.OnnxFile.Model;
import dev.formwork.frontends.onnx.OnnxFile.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ops and attributes the importer understands, checked over the whole graph before
 * anything is built, so {@code inspect} can list everything that blocks a model at once.
 */
final class OnnxSupport {
    private OnnxSupport() {}

    private static final Map<String, Set<String>> ATTRS = new LinkedHashMap<>();

    private static void op(String names, String... attrs) {
        for (String n : names.split(",")) ATTRS.put(n, Set.of(attrs));
    }

    static {
        op("Add,Sub,Mul,Div,Pow,Relu,Erf,Tanh,Sigmoid,Sqrt,Exp,HardSwish,Neg,Reciprocal,Sum,Identity,Size,Equal,Less,Greater,"
                + "Where,Max,Min,And,Or,Not,Range");
        op("Shape", "start", "end");
        op("Mod", "fmod");
        op("Gelu", "approximate");
        op("Dropout", "seed", "ratio");
        op("Cast", "to", "saturate", "round_mode");
        op("CastLike", "saturate", "round_mode");
        op("Constant", "value", "value_float", "value_floats", "value_int", "value_ints");
        op("ConstantOfShape", "value");
        op("Expand");
        op("Conv", "auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        op("BatchNormalization", "epsilon", "momentum", "training_mode", "spatial");
        op("LayerNormalization", "axis", "epsilon", "stash_type");
        op("MatMul");
        op("Gemm", "alpha", "beta", "transA", "transB");
        op("Softmax", "axis");
        op("ReduceMean,ReduceSum,ReduceMax", "axes", "keepdims", "noop_with_empty_axes");
        op("Reshape", "allowzero");
        op("Flatten", "axis");
        op("Transpose", "perm");
        op("Squeeze,Unsqueeze", "axes");
        op("Concat", "axis");
        op("Split", "axis", "split", "num_outputs");
        op("Slice");
        op("Gather", "axis");
        op("SpaceToDepth", "blocksize");
        op("DepthToSpace", "blocksize", "mode");
        op("AveragePool", "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides");
        op("MaxPool", "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
        op("GlobalAveragePool,GlobalMaxPool");
        op("Pad", "mode", "pads", "value");
        op("Resize", "coordinate_transformation_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "mode",
                "nearest_mode", "antialias", "axes", "keep_aspect_ratio_policy");
    }

    static boolean supports(String opType) {
        return ATTRS.containsKey(opType);
    }

    /** One line per unsupported op, foreign domain or unknown attribute, in graph order. */
    static List<String> check(Model model) {
        List<String> out = new ArrayList<>();
        String file = model.file().toString();
        long opset = model.defaultOpset();
        for (Node n : model.graph().nodes()) {
            String label = "node " + (n.name().isEmpty() ? n.outputs().isEmpty() ? "?" : n.outputs().get(0) : n.name());
            if (!n.domain().isEmpty()) {
                Long v = model.opsets().get(n.domain());
                out.add(file + ": " + label + " (" + n.domain() + "." + n.opType() + ", opset " + (v == null ? "?" : v)
                        + "): unsupported op domain " + n.domain());
                continue;
            }
            Set<String> known = ATTRS.get(n.opType());
            if (known == null) {
                out.add(file + ": " + label + " (" + n.opType() + ", opset " + opset + "): unsupported op");
                continue;
            }
            for (Attribute a : n.attributes().values()) {
                if (!known.contains(a.name())) {
                    out.add(file + ": " + label + " (" + n.opType() + ", opset " + opset + "): unsupported attribute " + a.name());
                }
            }
        }
        return out;
    }
}
