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

    /** Concatenation along {@code axis} of arrays that agree on every other axis. */
    static float[] concat(float[][] parts, int[][] shapes, int axis, boolean interleave) {
        int outer = 1;
        for (int k = 0; k < axis; k++) outer *= shapes[0][k];
        int inner = 1;
        for (int k = axis + 1; k < shapes[0].length; k++) inner *= shapes[0][k];
        int total = 0;
        for (int[] s : shapes) total += s[axis];
        float[] y = new float[outer * total * inner];
        if (!interleave) {
            for (int o = 0; o < outer; o++) {
                int pos = o * total * inner;
                for (int p = 0; p < parts.length; p++) {
                    int len = shapes[p][axis] * inner;
                    System.arraycopy(parts[p], o * len, y, pos, len);
                    pos += len;
                }
            }
            return y;
        }
        int n = parts.length, d = shapes[0][axis];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < d; i++) {
                for (int p = 0; p < n; p++) {
                    System.arraycopy(parts[p], (o * d + i) * inner, y, ((o * d + i) * n + p) * inner, inner);
                }
            }
        }
        return y;
    }
}
