package dev.formwork.exporters.coreml.validate;

import dev.formwork.proto.coreml.CoreMlMilProto.Argument;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parameter-type rules of the MIL ops this model family uses ({@link MilOpCatalog}; each op's
 * {@code input_spec} in coremltools {@code ops/defs/iOS15..iOS17}): required parameters bound,
 * no unknown parameters, int32 for strides/pad/axes/perm/shape/kernel sizes, bool flags, string
 * modes, uint32 for pixel_unshuffle's factor, and the "T" parameters in x's dtype (before iOS17
 * for conv/linear/matmul/batch_norm/layer_norm weights and constants; always for elementwise
 * binary ops). The result of these ops has x's dtype; cast's result has the type it names.
 */
final class MilParamRules {
    private MilParamRules() {}

    private static final Set<String> SAME_TYPE_OUT = Set.of("conv", "avg_pool", "max_pool", "batch_norm", "layer_norm", "linear",
            "softmax", "gelu", "relu", "relu6", "sigmoid", "tanh", "erf", "sqrt", "exp", "silu", "rsqrt", "add", "sub", "mul",
            "real_div", "pow", "maximum", "minimum", "space_to_depth", "depth_to_space", "pixel_shuffle", "pixel_unshuffle",
            "upsample_bilinear", "resize_bilinear", "pad", "transpose", "reshape", "squeeze", "expand_dims", "slice_by_index",
            "reduce_mean", "reduce_sum", "reduce_max", "sigmoid_hard");

    static void check(Operation op, String who, int ios, Map<String, ValueType> types, Map<String, Value> consts, List<String> out) {
        Map<String, MilOpCatalog.Param> sig = MilOpCatalog.signature(op.getType());
        if (sig == null) return;
        for (String bound : op.getInputsMap().keySet()) {
            if (!sig.containsKey(bound)) out.add(who + ": unknown parameter '" + bound + "'");
        }
        DataType x = null;
        String xParam = sig.containsKey("x") ? "x" : "values";
        Argument xa = op.getInputsMap().get(xParam);
        if (xa != null && xa.getArgumentsCount() > 0) x = dtype(xa.getArguments(0), types);
        for (Map.Entry<String, MilOpCatalog.Param> e : sig.entrySet()) {
            String name = e.getKey();
            MilOpCatalog.Param p = e.getValue();
            Argument a = op.getInputsMap().get(name);
            if (a == null || a.getArgumentsCount() == 0) {
                if (p.required()) out.add(who + ": required parameter '" + name + "' is not bound");
                continue;
            }
            for (Argument.Binding b : a.getArgumentsList()) {
                DataType t = dtype(b, types);
                if (t == null) continue;
                String got = MilTypes.name(t);
                switch (p.kind()) {
                    case T -> {
                        if (x != null && t != x && !(p.tBeforeIos17Only() && ios >= 17)) {
                            out.add(who + ": parameter '" + name + "' is " + got + " but x is " + MilTypes.name(x)
                                    + (p.tBeforeIos17Only() ? " (must match before iOS17)" : " (must match)"));
                        }
                        if (p.tBeforeIos17Only() && ios >= 17 && !MilTypes.isFloat(t) && t != DataType.INT32) {
                            out.add(who + ": parameter '" + name + "' has type " + got);
                        }
                    }
                    case FLOAT -> { if (t != DataType.FLOAT16 && t != DataType.FLOAT32) out.add(who + ": parameter '" + name + "' must be fp16 or fp32, is " + got); }
                    case INT32 -> { if (t != DataType.INT32) out.add(who + ": parameter '" + name + "' must be int32, is " + got); }
                    case UINT32 -> { if (t != DataType.UINT32) out.add(who + ": parameter '" + name + "' must be uint32, is " + got); }
                    case BOOL -> { if (t != DataType.BOOL) out.add(who + ": parameter '" + name + "' must be bool, is " + got); }
                    case STRING -> { if (t != DataType.STRING) out.add(who + ": parameter '" + name + "' must be a string, is " + got); }
                    default -> { }
                }
            }
        }
        if (op.getOutputsCount() == 0 || !op.getOutputs(0).getType().hasTensorType()) return;
        DataType o = op.getOutputs(0).getType().getTensorType().getDataType();
        if (SAME_TYPE_OUT.contains(op.getType()) && x != null && o != x && !op.getType().equals("matmul")) {
            out.add(who + ": output is declared " + MilTypes.name(o) + " but the op computes x's type " + MilTypes.name(x));
        }
        if (op.getType().equals("cast")) {
            String to = constString(op.getInputsMap().get("dtype"), consts);
            DataType want = to == null ? null : MilTypes.fromName(to);
            if (to != null && want == null) out.add(who + ": cast to unknown dtype '" + to + "'");
            if (want != null && want != o) out.add(who + ": cast to " + to + " but the output is declared " + MilTypes.name(o));
        }
    }

    static DataType dtype(Argument.Binding b, Map<String, ValueType> types) {
        ValueType vt = b.hasValue() ? b.getValue().getType() : types.get(b.getName());
        return vt != null && vt.hasTensorType() ? vt.getTensorType().getDataType() : null;
    }

    private static String constString(Argument a, Map<String, Value> consts) {
        if (a == null || a.getArgumentsCount() != 1) return null;
        Argument.Binding b = a.getArguments(0);
        Value v = b.hasValue() ? b.getValue() : consts.get(b.getName());
        if (v == null || !v.hasImmediateValue()) return null;
        var s = v.getImmediateValue().getTensor().getStrings();
        return s.getValuesCount() == 1 ? s.getValues(0) : null;
    }
}
