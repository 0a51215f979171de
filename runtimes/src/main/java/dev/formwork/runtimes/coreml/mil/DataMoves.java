package dev.formwork.runtimes.coreml.mil;

import java.util.function.UnaryOperator;

/**
 * Applies a pure data-movement kernel (transpose, concat slice, strided slice, block moves)
 * written for float arrays to a value of any dtype: floats move directly; integer, bool and
 * string tensors move an index array through the same kernel and gather by it.
 */
final class DataMoves {
    private DataMoves() {}

    static MilValue move(MilValue x, int[] outShape, UnaryOperator<float[]> kernel) {
        if (x.isFloat()) return MilValue.floats(x.dtype(), outShape, kernel.apply(x.floats()));
        float[] idx = new float[x.size()];
        for (int k = 0; k < idx.length; k++) idx[k] = k;
        float[] moved = kernel.apply(idx);
        if (x.dtype() == dev.formwork.proto.coreml.CoreMlMilProto.DataType.STRING) {
            String[] s = x.strings(), r = new String[moved.length];
            for (int k = 0; k < r.length; k++) r[k] = s[(int) moved[k]];
            return MilValue.strings(outShape, r);
        }
        long[] s = x.longs(), r = new long[moved.length];
        for (int k = 0; k < r.length; k++) r[k] = s[(int) moved[k]];
        return MilValue.ints(x.dtype(), outShape, r);
    }

    /** Same data, new shape (reshape, squeeze, expand_dims). */
    static MilValue reshape(MilValue x, int[] shape) {
        if (x.isFloat()) return MilValue.floats(x.dtype(), shape, x.floats());
        if (x.dtype() == dev.formwork.proto.coreml.CoreMlMilProto.DataType.STRING) return MilValue.strings(shape, x.strings());
        return MilValue.ints(x.dtype(), shape, x.longs());
    }
}
