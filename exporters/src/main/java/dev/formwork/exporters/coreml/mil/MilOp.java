package dev.formwork.exporters.coreml.mil;

import dev.formwork.proto.coreml.CoreMlMilProto.Argument;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds one MIL operation. Parameters (strides, axes, modes, flags, ...) each become their own
 * {@code const} op named {@code <op>_<param>} and are bound by name, as coremltools and ONNX
 * Runtime write them; optional parameters are passed explicitly so nothing depends on a default.
 * Single-output ops finish with {@link #emit(DataType, int[])}; multi-output ops declare each
 * {@link #out} and then {@link #emit()}. Emission appends the op after the consts it reads.
 */
public final class MilOp {
    private final MilBlock block;
    private final Operation.Builder op;
    private final String name;
    private final List<MilVar> outputs = new ArrayList<>();
    private boolean emitted;

    MilOp(MilBlock block, String type, String name) {
        this.block = block;
        this.name = name;
        this.op = Operation.newBuilder().setType(type).putAttributes("name", MilValues.string(name));
    }

    public String name() {
        return name;
    }

    public MilOp in(String param, MilVar v) {
        op.putInputs(param, Argument.newBuilder().addArguments(Argument.Binding.newBuilder().setName(v.name())).build());
        return this;
    }

    /** A tuple parameter (concat's {@code values}). */
    public MilOp in(String param, List<MilVar> vs) {
        Argument.Builder a = Argument.newBuilder();
        for (MilVar v : vs) a.addArguments(Argument.Binding.newBuilder().setName(v.name()));
        op.putInputs(param, a.build());
        return this;
    }

    /** A value bound directly, without a const op (classify's class list). */
    public MilOp literal(String param, Value v) {
        op.putInputs(param, Argument.newBuilder().addArguments(Argument.Binding.newBuilder().setValue(v)).build());
        return this;
    }

    private MilOp param(String param, Value v, DataType dt, int[] shape) {
        return in(param, block.constant(name + "_" + param, v, dt, shape));
    }

    public MilOp ints(String param, int... v) {
        int[] shape = {v.length};
        return param(param, MilValues.int32s(shape, v), DataType.INT32, shape);
    }

    public MilOp int32(String param, int v) {
        return param(param, MilValues.int32s(new int[0], v), DataType.INT32, new int[0]);
    }

    public MilOp bool(String param, boolean v) {
        return param(param, MilValues.bools(new int[0], v), DataType.BOOL, new int[0]);
    }

    public MilOp bools(String param, boolean... v) {
        int[] shape = {v.length};
        return param(param, MilValues.bools(shape, v), DataType.BOOL, shape);
    }

    public MilOp str(String param, String v) {
        return param(param, MilValues.string(v), DataType.STRING, new int[0]);
    }

    /** A float scalar parameter (epsilon, alpha, scale factor) of dtype {@code dt}. */
    public MilOp scalar(String param, float v, DataType dt) {
        return in(param, block.scalar(name + "_" + param, v, dt));
    }

    /** Adds a tensor output; the first one is named like the op. */
    public MilVar out(DataType dt, int[] shape) {
        return out(outputs.isEmpty() ? name : block.names.unique(name + "_" + outputs.size()), dt, shape);
    }

    /** Adds a tensor output with an explicit (already unique) name. */
    public MilVar out(String varName, DataType dt, int[] shape) {
        MilVar v = new MilVar(varName, dt, shape.clone());
        outputs.add(v);
        op.addOutputs(NamedValueType.newBuilder().setName(varName).setType(MilValues.tensorType(dt, shape)));
        return v;
    }

    /** Adds an output of any type (classify's string and dictionary). */
    public void outTyped(String varName, ValueType type) {
        op.addOutputs(NamedValueType.newBuilder().setName(varName).setType(type));
    }

    /** Declares the single output (named like the op) and appends the op. */
    public MilVar emit(DataType dt, int[] shape) {
        MilVar v = out(dt, shape);
        emit();
        return v;
    }

    /** Appends the op to the block (call once, after all outputs are declared). */
    public MilOp emit() {
        if (emitted) throw new IllegalStateException("op " + name + " emitted twice");
        emitted = true;
        block.append(op.build());
        return this;
    }

    public List<MilVar> outputs() {
        return outputs;
    }
}
