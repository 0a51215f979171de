package dev.formwork.exporters.coreml.mil;

import dev.formwork.exporters.coreml.CoreMlSettings;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What a lowering sees: the IR values already written (as MIL vars), constants on demand in the
 * dtype an op needs, the precision policy and the deployment target.
 *
 * <p>Precision follows coremltools' fp16 pass: every op computes in fp16, except an op with a
 * constant input outside the fp16 range, which stays fp32; an input of the wrong dtype is cast
 * (once per value and dtype). Model inputs and outputs stay fp32, so casts appear exactly at the
 * boundary.
 */
public final class MilContext {
    private final MilBlock block;
    private final CoreMlSettings settings;
    private final Map<Value, MilVar> env = new IdentityHashMap<>();
    private final Map<Value, Map<DataType, MilVar>> consts = new IdentityHashMap<>();
    private final Map<Value, String> outputNames = new IdentityHashMap<>();
    private final Map<Value, Boolean> overflow = new IdentityHashMap<>();
    private final java.util.Set<String> exactUsed = new java.util.HashSet<>();

    MilContext(MilBlock block, CoreMlSettings settings) {
        this.block = block;
        this.settings = settings;
    }

    public MilBlock block() {
        return block;
    }

    public CoreMlSettings settings() {
        return settings;
    }

    /** Deployment target, 15..18. */
    public int ios() {
        return settings.minIos();
    }

    /** Reserves the exact model-output name of {@code v} (before lowering starts). */
    void reserveOutput(Value v, String name) {
        outputNames.putIfAbsent(v, name);
    }

    /** fp16 for every op of an fp16 program, unless one of its constants would overflow fp16. */
    public DataType computeType(Node node) {
        if (!settings.fp16()) return DataType.FLOAT32;
        for (Value v : node.inputs()) {
            if (v.isConstant() && overflow.computeIfAbsent(v, k -> Fp16.overflows(k.constant()))) return DataType.FLOAT32;
        }
        return DataType.FLOAT16;
    }

    /**
     * Dtype of an epsilon. Before iOS 17 it must equal x's dtype; from iOS 17 on the normalisation
     * ops accept an fp32 epsilon beside fp16 data, which keeps tiny epsilons exact.
     */
    public DataType epsilonType(DataType compute) {
        return ios() >= 17 ? DataType.FLOAT32 : compute;
    }

    /** Input {@code i} of {@code node} in {@code dt}: a cast of an activation, or a const op. */
    public MilVar input(Node node, int i, DataType dt) {
        Value v = node.input(i);
        if (v.isConstant()) return constant(v, dt);
        MilVar x = env.get(v);
        if (x == null) throw new IllegalStateException("value " + v.name() + " read by " + node.name() + " before it was written");
        return x.isFloat() ? block.cast(x, dt) : x;
    }

    /** The const op of IR constant {@code v} in {@code dt} (written once per dtype). */
    public MilVar constant(Value v, DataType dt) {
        return consts.computeIfAbsent(v, k -> new HashMap<>())
                .computeIfAbsent(dt, d -> block.floatConstant(v.name(), floatTensor(v), d));
    }

    /** A const op of {@code t} reshaped to {@code shape}, named after the node and role. */
    public MilVar constant(Node node, String role, Tensor t, DataType dt, int[] shape) {
        return block.floatConstant(node.name() + "_" + role, t, dt, shape);
    }

    private static Tensor floatTensor(Value v) {
        Tensor t = v.constant();
        if (!t.dtype().isFloat()) throw new FormworkException("constant " + v.name() + " is " + t.dtype().label() + "; Core ML ops here take float data");
        return t;
    }

    /** The constant tensor at input {@code i}, or a refusal naming the node. */
    public Tensor requireConstant(Node node, int i, String what) {
        Value v = node.input(i);
        if (!v.isConstant()) throw refuse(node, what + " must be a constant");
        return v.constant();
    }

    /** Starts the single-output op that computes {@code node}. */
    public MilOp op(String type, Node node) {
        return block.opExact(type, outName(node, 0));
    }

    /** Starts a multi-output op (split); name its outputs with {@link #outName}. */
    public MilOp multiOp(String type, Node node) {
        return block.op(type, node.name());
    }

    /**
     * Name of output {@code k}: its reserved model-output name when it is one and needs no
     * final cast, else a fresh name (fp16 model outputs get a {@code _cast_fp16} suffix and a
     * cast back to fp32 under the reserved name).
     */
    public String outName(Node node, int k) {
        Value v = node.output(k);
        String reserved = outputNames.get(v);
        if (reserved == null) return block.names().unique(v.name());
        if (!settings.fp16() && exactUsed.add(reserved)) return reserved;
        return block.names().unique(reserved + "_cast_fp16");
    }

    public void bind(Value v, MilVar x) {
        env.put(v, x);
    }

    /** Binds output {@code k} of {@code node}. */
    public void bind(Node node, int k, MilVar x) {
        env.put(node.output(k), x);
    }

    /** The MIL var holding IR value {@code v} (inputs and computed values). */
    public MilVar valueOf(Value v) {
        return env.get(v);
    }

    public static FormworkException refuse(Node node, String why) {
        return new FormworkException("node " + node.name() + " (" + node.opType() + "): Core ML ML Program: " + why);
    }
}
