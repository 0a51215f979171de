package dev.formwork.frontends.onnx;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.kernels.Broadcast;
import java.util.function.LongBinaryOperator;

/**
 * Elementwise int64 arithmetic with NumPy broadcasting, for the shape computations exporters
 * write (Shape -> Gather -> Mul / Div -> Concat -> Reshape). The IR's elementwise kernels are
 * float32; these values are folded at import and never reach the IR.
 */
final class IntArith {
    private IntArith() {}

    static LongBinaryOperator op(String opType) {
        return switch (opType) {
            case "Add" -> Long::sum;
            case "Sub" -> (a, b) -> a - b;
            case "Mul" -> (a, b) -> a * b;
            case "Div" -> (a, b) -> a / b; // ONNX integer Div truncates, as Java's
            case "Mod" -> Math::floorMod;
            case "Max" -> Math::max;
            case "Min" -> Math::min;
            case "Equal" -> (a, b) -> a == b ? 1 : 0;
            case "Less" -> (a, b) -> a < b ? 1 : 0;
            case "Greater" -> (a, b) -> a > b ? 1 : 0;
            case "And" -> (a, b) -> (a != 0 && b != 0) ? 1 : 0;
            case "Or" -> (a, b) -> (a != 0 || b != 0) ? 1 : 0;
            default -> null;
        };
    }

    /** {@code x op y} with broadcasting; null when the shapes do not broadcast. */
    static NdArray apply(NdArray x, NdArray y, LongBinaryOperator f) {
        int[] s = Broadcast.shape(x.shape(), y.shape());
        if (s == null) return null;
        long[] a = x.longs(), b = y.longs();
        long[] r = new long[(int) NdArray.numel(s)];
        int[] idx = new int[s.length];
        for (int e = 0; e < r.length; e++) {
            r[e] = f.applyAsLong(a[offset(x.shape(), idx, s.length)], b[offset(y.shape(), idx, s.length)]);
            for (int d = s.length - 1; d >= 0; d--) {
                if (++idx[d] < s[d]) break;
                idx[d] = 0;
            }
        }
        return NdArray.ofLongs(s, r);
    }

    /** The element of an operand of shape {@code shape} at output index {@code idx} (broadcast, right-aligned). */
    private static int offset(int[] shape, int[] idx, int outRank) {
        int o = 0;
        for (int d = 0; d < shape.length; d++) {
            int i = idx[outRank - shape.length + d];
            o = o * shape[d] + (shape[d] == 1 ? 0 : i);
        }
        return o;
    }

    /** A float array as int64 (truncating), for Cast. */
    static NdArray toLongs(NdArray x) {
        if (x.isLong()) return x;
        float[] f = x.data();
        long[] l = new long[f.length];
        for (int i = 0; i < f.length; i++) l[i] = (long) f[i];
        return NdArray.ofLongs(x.shape(), l);
    }

    static NdArray toFloats(NdArray x) {
        if (!x.isLong()) return x;
        long[] l = x.longs();
        float[] f = new float[l.length];
        for (int i = 0; i < l.length; i++) f[i] = l[i];
        return NdArray.of(x.shape(), f);
    }
}
