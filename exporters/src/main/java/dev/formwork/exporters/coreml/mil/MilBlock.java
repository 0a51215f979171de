package dev.formwork.exporters.coreml.mil;

import dev.formwork.exporters.coreml.CoreMlNames;
import dev.formwork.ir.Tensor;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The main block being written: operations in emission order (which is topological, because an
 * op is emitted after everything it reads), one namespace for op and value names, the weight
 * blob plan, and a cache so a value is cast to another dtype at most once.
 */
public final class MilBlock {
    /** A const with at least this many fp16/fp32 elements goes to weight.bin. */
    public static final int BLOB_MIN_ELEMENTS = 10;

    final CoreMlNames names = new CoreMlNames();
    final WeightBlobs blobs = new WeightBlobs();
    private final List<Operation> ops = new ArrayList<>();
    private final Map<String, MilVar> casts = new HashMap<>();

    public List<Operation> operations() {
        return ops;
    }

    public WeightBlobs blobs() {
        return blobs;
    }

    public CoreMlNames names() {
        return names;
    }

    void append(Operation op) {
        ops.add(op);
    }

    /** Starts an op named after {@code base} (made unique); its first output shares the name. */
    public MilOp op(String type, String base) {
        return new MilOp(this, type, names.unique(base));
    }

    /** Starts an op with exactly {@code name}, which the caller has made unique. */
    public MilOp opExact(String type, String name) {
        return new MilOp(this, type, name);
    }

    /** A const op holding {@code value}; returns its output. */
    public MilVar constant(String base, Value value, DataType dt, int[] shape) {
        String name = names.unique(base);
        append(Operation.newBuilder().setType("const")
                .putAttributes("name", MilValues.string(name))
                .putAttributes("val", value)
                .addOutputs(NamedValueType.newBuilder().setName(name).setType(value.getType()))
                .build());
        return new MilVar(name, dt, shape);
    }

    /**
     * A float constant in {@code dt} (fp16 or fp32): in weight.bin from {@value #BLOB_MIN_ELEMENTS}
     * elements on, else inline. {@code shape} may differ from the tensor's (same element count).
     */
    public MilVar floatConstant(String base, Tensor t, DataType dt, int[] shape) {
        boolean fp16 = dt == DataType.FLOAT16;
        if (dt != DataType.FLOAT16 && dt != DataType.FLOAT32) throw new IllegalArgumentException("float constant as " + dt);
        Value v;
        if (t.numel() >= BLOB_MIN_ELEMENTS) {
            v = MilValues.blob(dt, shape, blobs.add(t, fp16));
        } else if (fp16) {
            v = MilValues.fp16(shape, Fp16.halves(t));
        } else {
            v = MilValues.fp32(shape, t.toFloatArray());
        }
        return constant(base, v, dt, shape);
    }

    public MilVar floatConstant(String base, Tensor t, DataType dt) {
        return floatConstant(base, t, dt, t.shape().toArray());
    }

    public MilVar scalar(String base, float v, DataType dt) {
        return floatConstant(base, Tensor.scalar(v), dt, new int[0]);
    }

    /** {@code x} as {@code dt}: itself, or the output of a (cached) cast op named {@code x_to_fp16}. */
    public MilVar cast(MilVar x, DataType dt) {
        if (x.dtype() == dt) return x;
        String key = x.name() + "\u0000" + dt;
        MilVar c = casts.get(key);
        if (c == null) {
            c = castAs(x, dt, x.name() + "_to_" + MilValues.castName(dt));
            casts.put(key, c);
        }
        return c;
    }

    /** An uncached cast whose output gets (a unique variant of) {@code name}. */
    public MilVar castAs(MilVar x, DataType dt, String name) {
        return castOp(op("cast", name), x, dt);
    }

    /** A cast whose output is exactly {@code name} (already reserved by the caller). */
    public MilVar castExact(MilVar x, DataType dt, String name) {
        return castOp(opExact("cast", name), x, dt);
    }

    private static MilVar castOp(MilOp op, MilVar x, DataType dt) {
        return op.in("x", x).str("dtype", MilValues.castName(dt)).emit(dt, x.shape());
    }
}
