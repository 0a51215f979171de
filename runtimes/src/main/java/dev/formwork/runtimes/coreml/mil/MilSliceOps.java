package dev.formwork.runtimes.coreml.mil;

import dev.formwork.runtimes.coreml.kernels.Slicing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Ops that cut or join tensors, from coremltools {@code iOS15/tensor_operation.py} and
 * {@code iOS15/tensor_transformation.py}:
 * <ul>
 *   <li>concat: {@code values} tuple, axis required, interleave default false (true: output
 *       {@code [i::n]} is input i, all inputs of equal shape);</li>
 *   <li>split: num_splits (equal parts) or split_sizes (summing to the axis length);</li>
 *   <li>slice_by_index: NumPy {@code x[begin:end:stride]} per axis (negative indices wrap,
 *       bounds clamp as Python slices do); begin_mask ignores begin, end_mask ignores end,
 *       squeeze_mask takes the single element at begin and removes the axis;</li>
 *   <li>pad: {@code pad} has 2N entries for the last N axes, before/after per axis; mode
 *       constant (constant_val default 0), reflect or replicate.</li>
 * </ul>
 */
final class MilSliceOps {
    private MilSliceOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("concat", MilSliceOps::concat);
        t.put("split", MilSliceOps::split);
        t.put("slice_by_index", MilSliceOps::sliceByIndex);
        t.put("pad", MilSliceOps::pad);
    }

    private static MilValue[] concat(MilOpContext c) {
        List<MilValue> vs = c.tuple("values");
        MilValue first = vs.get(0);
        int axis = c.axis(c.intParam("axis", requireAxis(c)), first.rank());
        boolean interleave = c.boolParam("interleave", false);
        float[][] parts = new float[vs.size()][];
        int[][] shapes = new int[vs.size()][];
        int total = 0;
        for (int p = 0; p < vs.size(); p++) {
            MilValue v = vs.get(p);
            if (v.dtype() != first.dtype() || v.rank() != first.rank()) throw c.fail("value " + p + " " + v.describe() + " does not match " + first.describe());
            for (int k = 0; k < v.rank(); k++) {
                if (k != axis && v.dim(k) != first.dim(k)) throw c.fail("value " + p + " " + v.describe() + " differs from " + first.describe() + " off the axis");
            }
            if (interleave && v.dim(axis) != first.dim(axis)) throw c.fail("interleave needs inputs of equal shape");
            shapes[p] = v.shape();
            total += v.dim(axis);
        }
        int[] out = first.shape();
        out[axis] = total;
        if (first.isFloat()) {
            for (int p = 0; p < parts.length; p++) parts[p] = vs.get(p).floats();
            return new MilValue[] {MilValue.floats(first.dtype(), out, Slicing.concat(parts, shapes, axis, interleave))};
        }
        long[][] ls = new long[vs.size()][];
        int offset = 0;
        for (int p = 0; p < parts.length; p++) {
            ls[p] = vs.get(p).longs();
            parts[p] = new float[ls[p].length];
            for (int k = 0; k < ls[p].length; k++) parts[p][k] = offset + k;
            offset += ls[p].length;
        }
        long[] all = new long[offset];
        for (int p = 0, o = 0; p < ls.length; o += ls[p].length, p++) System.arraycopy(ls[p], 0, all, o, ls[p].length);
        float[] idx = Slicing.concat(parts, shapes, axis, interleave);
        long[] r = new long[idx.length];
        for (int k = 0; k < r.length; k++) r[k] = all[(int) idx[k]];
        return new MilValue[] {MilValue.ints(first.dtype(), out, r)};
    }

    private static int requireAxis(MilOpContext c) {
        if (!c.has("axis")) throw c.fail("required input 'axis' is not bound");
        return 0;
    }

    private static MilValue[] split(MilOpContext c) {
        MilValue x = c.in("x");
        int axis = c.axis(c.intParam("axis", requireAxis(c)), x.rank());
        int len = x.dim(axis);
        int[] sizes = c.intsParam("split_sizes", null);
        if (sizes == null) {
            int n = c.intParam("num_splits", -1);
            if (n <= 0) throw c.fail("one of num_splits or split_sizes must be given");
            if (len % n != 0) throw c.fail("axis length " + len + " is not divisible by num_splits " + n);
            sizes = new int[n];
            Arrays.fill(sizes, len / n);
        }
        int sum = 0;
        for (int s : sizes) sum += s;
        if (sum != len) throw c.fail("split_sizes " + Arrays.toString(sizes) + " do not sum to " + len);
        List<MilValue> outs = new ArrayList<>();
        int start = 0;
        int r = x.rank();
        for (int s : sizes) {
            int[] begin = new int[r], end = x.shape(), step = new int[r];
            Arrays.fill(step, 1);
            begin[axis] = start;
            end[axis] = start + s;
            outs.add(slice(x, begin, end, step));
            start += s;
        }
        return outs.toArray(new MilValue[0]);
    }

    /** Plain forward slice [begin, end) with positive steps, bounds already resolved. */
    static MilValue slice(MilValue x, int[] begin, int[] end, int[] step) {
        int r = x.rank();
        int[] out = new int[r];
        for (int k = 0; k < r; k++) out[k] = Slicing.count(begin[k], end[k], step[k]);
        int[] xs = x.shape();
        return DataMoves.move(x, out, d -> Slicing.strided(d, xs, begin, step, out));
    }

    private static MilValue[] sliceByIndex(MilOpContext c) {
        MilValue x = c.in("x");
        int r = x.rank();
        int[] b = c.intsParam("begin", null), e = c.intsParam("end", null);
        if (b == null || e == null || b.length != r || e.length != r) throw c.fail("begin and end need rank(x) = " + r + " values");
        int[] s = c.intsParam("stride", MilConvOps.ones(r));
        boolean[] bm = c.boolsParam("begin_mask", r), em = c.boolsParam("end_mask", r), sq = c.boolsParam("squeeze_mask", r);
        int[] begin = new int[r], end = new int[r];
        for (int k = 0; k < r; k++) {
            int len = x.dim(k);
            if (s[k] == 0) throw c.fail("stride must not be 0");
            if (sq[k]) {
                int i = b[k] < 0 ? b[k] + len : b[k];
                if (i < 0 || i >= len) throw c.fail("squeezed index " + b[k] + " out of range for axis " + k);
                begin[k] = i;
                end[k] = i + 1;
                s[k] = 1;
                continue;
            }
            int[] be = Slicing.bounds(bm[k] ? null : b[k], em[k] ? null : e[k], s[k], len);
            begin[k] = be[0];
            end[k] = be[1];
        }
        MilValue y = slice(x, begin, end, s);
        List<Integer> shape = new ArrayList<>();
        for (int k = 0; k < r; k++) if (!sq[k]) shape.add(y.dim(k));
        return new MilValue[] {DataMoves.reshape(y, shape.stream().mapToInt(Integer::intValue).toArray())};
    }

    private static MilValue[] pad(MilOpContext c) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        int[] p = c.intsParam("pad", null);
        if (p == null || p.length % 2 != 0 || p.length / 2 > x.rank()) throw c.fail("pad needs 2N values, N <= rank(x)");
        String mode = c.strParam("mode", "constant");
        float cv = c.floatParam("constant_val", 0f);
        return new MilValue[] {Padding.pad(c, x, p, mode, cv)};
    }
}
