package dev.formwork.runtimes.coreml.mil;

import dev.formwork.exporters.coreml.validate.CoreMlArtifact;
import dev.formwork.exporters.coreml.validate.MilTypes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Half;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Function;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlMilProto.Program;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the {@code main} function of an ML Program: the block of the function's opset, op by op
 * in the stored order, values by name (MIL.proto; formats.md §2.2–2.3).
 *
 * <p>Precision. Without {@code fp16Compute} every op computes in float32 and its result is
 * rounded to half precision exactly where the op's output type is fp16 (so an fp16 program is
 * computed as fp16 storage with float32 arithmetic inside each op). With {@code fp16Compute}
 * every floating output of every op — consts included — is additionally rounded to half, as
 * the GPU and Neural Engine keep all intermediates in fp16, whatever the declared types say.
 *
 * <p>Each op's computed output is checked against its declared output type (dtype, rank and
 * known dimensions); a mismatch fails naming the op.
 */
public final class MilExecutor {
    private final CoreMlArtifact artifact;
    private final Function main;
    private final Block block;
    private final int ios;
    private final boolean fp16Compute;
    private final Map<String, MilValue> consts = new HashMap<>();

    public MilExecutor(CoreMlArtifact artifact, boolean fp16Compute) {
        this.artifact = artifact;
        this.fp16Compute = fp16Compute;
        Program p = artifact.model().getMlProgram();
        main = p.getFunctionsMap().get("main");
        if (main == null) throw new FormworkException(artifact.source() + ": ML Program has no function 'main'");
        block = main.getBlockSpecializationsMap().get(main.getOpset());
        if (block == null) {
            throw new FormworkException(artifact.source() + ": function 'main' has no block for its opset '" + main.getOpset() + "'");
        }
        ios = iosOf(main.getOpset(), artifact);
        for (Operation op : block.getOperationsList()) {
            String name = opName(op);
            if (op.getType().equals("const")) {
                Value val = op.getAttributesMap().get("val");
                if (val == null) throw new FormworkException(artifact.source() + ": const op '" + name + "' has no 'val' attribute");
                if (op.getOutputsCount() != 1) throw new FormworkException(artifact.source() + ": const op '" + name + "' must have one output");
                MilValue v = round(MilConsts.decode(val, artifact, "const op '" + name + "'"));
                checkDeclared(op, name, 0, v);
                consts.put(op.getOutputs(0).getName(), v);
            } else if (!MilOpTable.supports(op.getType())) {
                throw new FormworkException(artifact.source() + ": unsupported MIL op '" + op.getType() + "' (name '" + name + "')");
            }
        }
    }

    /** iOS version of an opset string: CoreML5 -> 15, CoreML6 -> 16, CoreML7 -> 17, CoreML8 -> 18. */
    static int iosOf(String opset, CoreMlArtifact artifact) {
        if (opset.startsWith("CoreML")) {
            try {
                int n = Integer.parseInt(opset.substring(6));
                if (n >= 5 && n <= 8) return n + 10;
                if (n == 9) return 26;
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        throw new FormworkException(artifact.source() + ": unknown opset '" + opset + "'");
    }

    public List<NamedValueType> inputs() {
        return main.getInputsList();
    }

    public List<String> outputs() {
        return block.getOutputsList();
    }

    /**
     * The labels of the program's {@code classify} op in class order, or null when the program
     * is not a classifier.
     */
    public List<String> classLabels() {
        for (Operation op : block.getOperationsList()) {
            if (!op.getType().equals("classify")) continue;
            MilOpContext c = new MilOpContext(op, opName(op), consts, ios, artifact, consts.keySet());
            List<String> labels = new java.util.ArrayList<>();
            for (MilValue item : c.in("classes").items()) labels.add(MilClassifyOps.label(item));
            return labels;
        }
        return null;
    }

    public int iosVersion() {
        return ios;
    }

    /** Runs the program on named inputs; returns the block outputs by name, in block order. */
    public Map<String, MilValue> run(Map<String, MilValue> inputs) {
        Map<String, MilValue> env = new HashMap<>(consts);
        for (NamedValueType in : main.getInputsList()) {
            MilValue v = inputs.get(in.getName());
            if (v == null) throw new FormworkException(artifact.source() + ": missing input '" + in.getName() + "'");
            env.put(in.getName(), round(v));
        }
        for (Operation op : block.getOperationsList()) {
            if (op.getType().equals("const")) continue;
            String name = opName(op);
            MilOpContext c = new MilOpContext(op, name, env, ios, artifact, consts.keySet());
            MilValue[] outs;
            try {
                outs = MilOpTable.get(op.getType()).run(c);
            } catch (IllegalArgumentException | IllegalStateException | ArithmeticException | IndexOutOfBoundsException e) {
                throw c.fail(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (outs.length != op.getOutputsCount()) {
                throw c.fail("produces " + outs.length + " outputs but declares " + op.getOutputsCount());
            }
            for (int k = 0; k < outs.length; k++) {
                MilValue v = round(outs[k]);
                // classify's outputs are a label and a dictionary, mapped to arrays here.
                if (!op.getType().equals("classify")) checkDeclared(op, name, k, v);
                env.put(op.getOutputs(k).getName(), v);
            }
        }
        Map<String, MilValue> out = new LinkedHashMap<>();
        for (String o : block.getOutputsList()) {
            MilValue v = env.get(o);
            if (v == null) throw new FormworkException(artifact.source() + ": block output '" + o + "' is never produced");
            out.put(o, v);
        }
        return out;
    }

    private MilValue round(MilValue v) {
        if (!fp16Compute || !v.isFloat() || v.dtype() == DataType.FLOAT16) return v;
        float[] src = v.floats(), d = new float[src.length];
        for (int k = 0; k < d.length; k++) d[k] = Half.round(src[k]);
        return MilValue.floats(v.dtype(), v.shape(), d);
    }

    private void checkDeclared(Operation op, String name, int k, MilValue v) {
        ValueType t = op.getOutputs(k).getType();
        if (!t.hasTensorType() || v.isList()) return;
        long[] dims = MilTypes.dims(t.getTensorType());
        boolean ok = t.getTensorType().getDataType() == v.dtype() && dims.length == v.rank();
        for (int d = 0; ok && d < dims.length; d++) ok = dims[d] < 0 || dims[d] == v.dim(d);
        if (!ok) {
            throw new FormworkException(artifact.source() + ": op '" + name + "' (" + op.getType() + ") output '"
                    + op.getOutputs(k).getName() + "' is declared " + MilTypes.describe(t) + " but computes " + v.describe());
        }
    }

    static String opName(Operation op) {
        Value n = op.getAttributesMap().get("name");
        if (n != null && n.hasImmediateValue() && n.getImmediateValue().getTensor().getStrings().getValuesCount() == 1) {
            return n.getImmediateValue().getTensor().getStrings().getValues(0);
        }
        return op.getOutputsCount() > 0 ? op.getOutputs(0).getName() : op.getType();
    }
}
