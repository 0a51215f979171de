package dev.formwork.ir.kernels;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import java.util.Arrays;

/** NumPy-style multidirectional broadcasting for binary elementwise kernels. */
public final class Broadcast {
    /** The element function of a binary op. */
    public interface FloatOp {
        float apply(float x, float y);
    }

    private Broadcast() {}

    /** Broadcast result shape, or null when the shapes are incompatible. */
    public static int[] shape(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) return null;
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    public static NdArray apply(NdArray x, NdArray y, FloatOp op) {
        int[] out = shape(x.shape(), y.shape());
        if (out == null) {
            throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(x.shape()) + " with " + Arrays.toString(y.shape()));
        }
        float[] a = x.data(), b = y.data();
        float[] r = new float[Math.toIntExact(NdArray.numel(out))];
        if (Arrays.equals(x.shape(), out) && Arrays.equals(y.shape(), out)) {
            Parallel.forRange(r.length, 1 << 14, (lo, hi) -> {
                for (int i = lo; i < hi; i++) r[i] = op.apply(a[i], b[i]);
            });
            return NdArray.of(out, r);
        }
        if (b.length == 1) {
            float s = b[0];
            if (a.length == r.length) {
                Parallel.forRange(r.length, 1 << 14, (lo, hi) -> {
                    for (int i = lo; i < hi; i++) r[i] = op.apply(a[i], s);
                });
                return NdArray.of(out, r);
            }
        }
        // General case: walk the output with per-operand strides (0 on broadcast axes).
        int rank = out.length;
        int[] sa = strides(x.shape(), out), sb = strides(y.shape(), out);
        int inner = out[rank - 1];
        int outer = r.length / Math.max(1, inner);
        int ia = rank == 0 ? 0 : sa[rank - 1], ib = rank == 0 ? 0 : sb[rank - 1];
        Parallel.forRange(outer, 64, (lo, hi) -> {
            int[] idx = new int[rank];
            for (int o = lo; o < hi; o++) {
                // decompose o into the leading indices
                int rem = o, offA = 0, offB = 0;
                for (int d = rank - 2; d >= 0; d--) {
                    int v = rem % out[d];
                    rem /= out[d];
                    idx[d] = v;
                    offA += v * sa[d];
                    offB += v * sb[d];
                }
                int base = o * inner;
                for (int j = 0; j < inner; j++) r[base + j] = op.apply(a[offA + j * ia], b[offB + j * ib]);
            }
        });
        return NdArray.of(out, r);
    }

    /** Strides of {@code s} aligned to {@code out}'s rank, zero where {@code s} broadcasts. */
    static int[] strides(int[] s, int[] out) {
        int r = out.length;
        int[] st = new int[r];
        int stride = 1;
        for (int i = r - 1; i >= 0; i--) {
            int si = i - (r - s.length);
            int d = si >= 0 ? s[si] : 1;
            st[i] = d == 1 ? 0 : stride;
            stride *= d;
        }
        return st;
    }
}
