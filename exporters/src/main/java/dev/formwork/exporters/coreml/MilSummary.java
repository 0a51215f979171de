package dev.formwork.exporters.coreml;

import dev.formwork.ir.FormworkException;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Dimension;
import dev.formwork.proto.coreml.CoreMlMilProto.Function;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorType;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarises an ML Program's main function from its types alone: op histogram (without
 * {@code const}), float constant elements, and multiply-accumulates of conv / linear / matmul.
 */
final class MilSummary {
    private MilSummary() {}

    static Block mainBlock(Model m) {
        Function f = mainFunction(m);
        if (!f.containsBlockSpecializations(f.getOpset())) {
            throw new FormworkException("ML Program function 'main' has no block for its opset '" + FormworkException.shown(f.getOpset()) + "'");
        }
        return f.getBlockSpecializationsOrThrow(f.getOpset());
    }

    private static Function mainFunction(Model m) {
        if (!m.getMlProgram().containsFunctions("main")) throw new FormworkException("ML Program has no function 'main'");
        return m.getMlProgram().getFunctionsOrThrow("main");
    }

    static ArtifactInfo of(Model m, Map<String, String> details, List<ArtifactInfo.Io> in, List<ArtifactInfo.Io> out) {
        Function f = mainFunction(m);
        details.put("opset", f.getOpset());
        Block b = mainBlock(m);
        Map<String, TensorType> types = new HashMap<>();
        for (NamedValueType i : f.getInputsList()) types.put(i.getName(), i.getType().getTensorType());
        Map<String, Value> consts = new HashMap<>();
        Map<String, Integer> ops = new TreeMap<>();
        long params = 0, macs = 0;
        int blobs = 0;
        for (Operation op : b.getOperationsList()) {
            for (NamedValueType o : op.getOutputsList()) if (o.getType().hasTensorType()) types.put(o.getName(), o.getType().getTensorType());
            if (op.getType().equals("const")) {
                if (!op.containsAttributes("val") || op.getOutputsCount() == 0) {
                    throw new FormworkException("const op without a val attribute or an output");
                }
                Value v = op.getAttributesOrThrow("val");
                consts.put(op.getOutputs(0).getName(), v);
                TensorType t = v.getType().getTensorType();
                if (t.getDataType() == DataType.FLOAT16 || t.getDataType() == DataType.FLOAT32) params += numel(t);
                if (v.hasBlobFileValue()) blobs++;
                continue;
            }
            ops.merge(op.getType(), 1, Integer::sum);
            macs += macs(op, types, consts);
        }
        details.put("blobs", String.valueOf(blobs));
        return new ArtifactInfo("coreml-mlprogram", params, macs, ops, in, out, details);
    }

    static int classCount(Model m) {
        for (Operation op : mainBlock(m).getOperationsList()) {
            if (op.getType().equals("classify")) {
                var in = op.getInputsMap().get("classes");
                if (in == null || in.getArgumentsCount() == 0) return 0;
                var classes = in.getArguments(0);
                return classes.hasValue() ? classes.getValue().getImmediateValue().getList().getValuesCount() : 0;
            }
        }
        return 0;
    }

    static long numel(TensorType t) {
        long n = 1;
        for (Dimension d : t.getDimensionsList()) n *= d.getConstant().getSize();
        return n;
    }

    /** Size of dimension {@code i}, 0 when the type does not have it (a foreign file's types need not be consistent). */
    private static long dim(TensorType t, int i) {
        return i >= 0 && i < t.getDimensionsCount() ? t.getDimensions(i).getConstant().getSize() : 0;
    }

    private static long macs(Operation op, Map<String, TensorType> types, Map<String, Value> consts) {
        if (op.getOutputsCount() == 0 || !op.getOutputs(0).getType().hasTensorType()) return 0;
        long out = numel(op.getOutputs(0).getType().getTensorType());
        return switch (op.getType()) {
            case "conv" -> {
                TensorType w = types.get(arg(op, "weight"));
                yield w == null || dim(w, 0) == 0 ? 0 : out * numel(w) / dim(w, 0);
            }
            case "linear" -> {
                TensorType w = types.get(arg(op, "weight"));
                yield w == null ? 0 : out * dim(w, 1);
            }
            case "matmul" -> {
                TensorType x = types.get(arg(op, "x"));
                if (x == null || x.getRank() == 0) yield 0;
                boolean tx = flag(op, "transpose_x", consts);
                int k = (int) x.getRank() - (tx && x.getRank() > 1 ? 2 : 1);
                yield out * dim(x, k);
            }
            default -> 0;
        };
    }

    private static String arg(Operation op, String param) {
        var a = op.getInputsMap().get(param);
        return a == null || a.getArgumentsCount() == 0 ? null : a.getArguments(0).getName();
    }

    private static boolean flag(Operation op, String param, Map<String, Value> consts) {
        String name = arg(op, param);
        Value v = name == null ? null : consts.get(name);
        if (v == null || !v.hasImmediateValue()) return false;
        var bools = v.getImmediateValue().getTensor().getBools();
        return bools.getValuesCount() > 0 && bools.getValues(0);
    }
}
