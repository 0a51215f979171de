package dev.formwork.exporters.coreml.mil;

import com.google.protobuf.ByteString;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Dimension;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorType;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorValue;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;

/**
 * MIL types and immediate values, each element type in the field the MIL parser reads it from:
 * fp32 in {@code floats}, int32 in {@code ints}, bool in {@code bools}, string in {@code strings},
 * fp16 as raw little-endian {@code bytes}.
 */
public final class MilValues {
    private MilValues() {}

    public static ValueType tensorType(DataType dt, int[] shape) {
        TensorType.Builder t = TensorType.newBuilder().setDataType(dt).setRank(shape.length);
        for (int d : shape) t.addDimensions(Dimension.newBuilder().setConstant(Dimension.ConstantDimension.newBuilder().setSize(d)));
        return ValueType.newBuilder().setTensorType(t).build();
    }

    public static ValueType scalarType(DataType dt) {
        return tensorType(dt, new int[0]);
    }

    private static Value immediate(ValueType type, TensorValue v) {
        return Value.newBuilder().setType(type)
                .setImmediateValue(Value.ImmediateValue.newBuilder().setTensor(v)).build();
    }

    public static Value string(String s) {
        return immediate(scalarType(DataType.STRING),
                TensorValue.newBuilder().setStrings(TensorValue.RepeatedStrings.newBuilder().addValues(s)).build());
    }

    public static Value bools(int[] shape, boolean... v) {
        TensorValue.RepeatedBools.Builder b = TensorValue.RepeatedBools.newBuilder();
        for (boolean x : v) b.addValues(x);
        return immediate(tensorType(DataType.BOOL, shape), TensorValue.newBuilder().setBools(b).build());
    }

    public static Value int32s(int[] shape, int... v) {
        TensorValue.RepeatedInts.Builder b = TensorValue.RepeatedInts.newBuilder();
        for (int x : v) b.addValues(x);
        return immediate(tensorType(DataType.INT32, shape), TensorValue.newBuilder().setInts(b).build());
    }

    public static Value fp32(int[] shape, float[] v) {
        TensorValue.RepeatedFloats.Builder b = TensorValue.RepeatedFloats.newBuilder();
        for (float x : v) b.addValues(x);
        return immediate(tensorType(DataType.FLOAT32, shape), TensorValue.newBuilder().setFloats(b).build());
    }

    /** Half-precision values, given as their IEEE binary16 bit patterns. */
    public static Value fp16(int[] shape, short[] halves) {
        byte[] raw = new byte[halves.length * 2];
        for (int i = 0; i < halves.length; i++) {
            raw[2 * i] = (byte) halves[i];
            raw[2 * i + 1] = (byte) (halves[i] >> 8);
        }
        return immediate(tensorType(DataType.FLOAT16, shape),
                TensorValue.newBuilder().setBytes(TensorValue.RepeatedBytes.newBuilder().setValues(ByteString.copyFrom(raw))).build());
    }

    /** A reference to a blob in weights/weight.bin; {@code offset} is its metadata record. */
    public static Value blob(DataType dt, int[] shape, long offset) {
        return Value.newBuilder().setType(tensorType(dt, shape))
                .setBlobFileValue(Value.BlobFileValue.newBuilder().setFileName(WeightBlobs.FILE_NAME).setOffset(offset)).build();
    }

    /** Name of a MIL dtype as the {@code cast} op spells it. */
    public static String castName(DataType dt) {
        return switch (dt) {
            case FLOAT16 -> "fp16";
            case FLOAT32 -> "fp32";
            case INT32 -> "int32";
            case BOOL -> "bool";
            default -> throw new IllegalArgumentException("no cast to " + dt);
        };
    }
}
