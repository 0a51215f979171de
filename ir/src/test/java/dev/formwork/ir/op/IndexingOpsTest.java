package dev.formwork.ir.op;

import static dev.formwork.ir.testutil.OpRunner.assertRejected;
import static dev.formwork.ir.testutil.OpRunner.f32;
import static dev.formwork.ir.testutil.OpRunner.i64;
import static dev.formwork.ir.testutil.OpRunner.inferShape;
import static dev.formwork.ir.testutil.OpRunner.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.DType;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.testutil.Naive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Slice, SpaceToDepth, Gather and Constant. */
class IndexingOpsTest {
    /** The indices a slice visits, straight from the ONNX Slice-13 text. */
    private static List<Integer> onnxIndices(long start, long end, long step, int dim) {
        if (start < 0) start += dim;
        if (end < 0) end += dim;
        if (step > 0) {
            start = Math.max(0, Math.min(start, dim));
            end = Math.max(0, Math.min(end, dim));
        } else {
            start = Math.max(0, Math.min(start, dim - 1));
            end = Math.max(-1, Math.min(end, dim - 1));
        }
        List<Integer> r = new ArrayList<>();
        for (long i = start; step > 0 ? i < end : i > end; i += step) r.add((int) i);
        return r;
    }

    private static void checkSlice(int[] shape, long[] axes, long[] starts, long[] ends, long[] steps) {
        NdArray x = Naive.randn(Arrays.hashCode(starts), shape);
        Attributes a = Attributes.of("axes", axes, "starts", starts, "ends", ends);
        if (steps != null) a = a.with("steps", steps);
        List<List<Integer>> picks = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            List<Integer> all = new ArrayList<>();
            for (int i = 0; i < shape[d]; i++) all.add(i);
            picks.add(all);
        }
        for (int i = 0; i < axes.length; i++) {
            int ax = (int) (axes[i] < 0 ? axes[i] + shape.length : axes[i]);
            picks.set(ax, onnxIndices(starts[i], ends[i], steps == null ? 1 : steps[i], shape[ax]));
        }
        int[] os = new int[shape.length];
        for (int d = 0; d < os.length; d++) os[d] = picks.get(d).size();
        String what = "slice axes " + Arrays.toString(axes) + " starts " + Arrays.toString(starts) + " ends "
                + Arrays.toString(ends) + " steps " + Arrays.toString(steps);
        assertEquals(Shape.of(os), inferShape("Slice", a, f32(shape)), what);
        NdArray y = run("Slice", a, x);
        assertArrayEquals(os, y.shape(), what);
        for (int i = 0; i < y.size(); i++) {
            int[] oi = Naive.unravel(i, os);
            int[] si = new int[os.length];
            for (int d = 0; d < os.length; d++) si[d] = picks.get(d).get(oi[d]);
            assertEquals(x.data()[Naive.ravel(si, shape)], y.data()[i], 0f, what + " at " + i);
        }
    }

    private static long[] l(long... v) {
        return v;
    }

    @Test
    void slice() {
        int[] s = {2, 5, 7};
        checkSlice(s, l(2), l(1), l(4), null);
        checkSlice(s, l(-1), l(-3), l(7), null); // negative start
        checkSlice(s, l(1, 2), l(-4, 0), l(-1, 7), l(1, 2)); // step 2
        checkSlice(s, l(2), l(1), l(1000), l(2)); // end beyond the axis clamps
        checkSlice(s, l(2), l(-1000), l(3), null); // start before the axis clamps
        checkSlice(s, l(2), l(Long.MIN_VALUE / 2), l(Long.MAX_VALUE), l(3)); // INT_MIN / INT_MAX style bounds
        checkSlice(s, l(1), l(4), l(2), null); // empty
        checkSlice(s, l(2), l(6), l(-1000), l(-1)); // reverse
        checkSlice(s, l(2), l(-1), l(0), l(-2)); // reverse, step -2, end excluded
        checkSlice(s, l(2), l(100), l(-100), l(-3)); // reverse from a clamped start
        checkSlice(s, l(2), l(-100), l(-200), l(-1)); // reverse: start clamps to 0 -> one element
        checkSlice(s, l(0, 1, 2), l(1, 1, 1), l(2, 4, 6), l(1, 1, 1));
    }

    @Test
    void sliceRejects() {
        assertRejected("Slice", Attributes.of("axes", l(3), "starts", l(0), "ends", l(1)), f32(2, 3, 4));
        assertRejected("Slice", Attributes.of("axes", l(0, 1), "starts", l(0), "ends", l(1, 1)), f32(2, 3, 4));
        assertRejected("Slice", Attributes.of("axes", l(0), "starts", l(0), "ends", l(1), "steps", l(0)), f32(2, 3, 4));
    }

    @Test
    void spaceToDepthHandCase() {
        // 1x1x4x4 holding 0..15, block 2: channel by*2+bx gathers x[2i+by, 2j+bx]
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) v[i] = i;
        NdArray y = run("SpaceToDepth", Attributes.of("blocksize", 2), NdArray.of(new int[] {1, 1, 4, 4}, v));
        assertArrayEquals(new int[] {1, 4, 2, 2}, y.shape());
        assertArrayEquals(new float[] {0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15}, y.data());
    }

    @Test
    void spaceToDepthDcrOrder() {
        int n = 2, c = 3, h = 6, w = 8, bs = 2;
        NdArray x = Naive.randn(12, n, c, h, w);
        Attributes a = Attributes.of("blocksize", bs);
        assertEquals(Shape.of(n, c * bs * bs, h / bs, w / bs), inferShape("SpaceToDepth", a, f32(n, c, h, w)));
        NdArray y = run("SpaceToDepth", a, x);
        int oc = c * bs * bs, oh = h / bs, ow = w / bs;
        for (int b = 0; b < n; b++)
            for (int o = 0; o < oc; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        int blk = o / c, ch = o % c, by = blk / bs, bx = blk % bs; // o = (by*bs + bx)*C + c
                        float expect = x.data()[((b * c + ch) * h + i * bs + by) * w + j * bs + bx];
                        assertEquals(expect, y.data()[((b * oc + o) * oh + i) * ow + j], 0f);
                    }
        assertRejected("SpaceToDepth", a, f32(1, 3, 5, 4));
        assertRejected("SpaceToDepth", a, f32(3, 4, 4));
        assertRejected("SpaceToDepth", Attributes.of("blocksize", 0), f32(1, 3, 4, 4));
    }

    @Test
    void gatherAttentionBiasCase() {
        // EfficientFormer's attention bias: table [heads, offsets] indexed by an [N, N] offset map
        NdArray table = Naive.randn(13, 8, 49);
        long[] idx = new long[49 * 49];
        Random r = new Random(14);
        for (int i = 0; i < idx.length; i++) idx[i] = r.nextInt(49);
        NdArray indices = NdArray.ofLongs(new int[] {49, 49}, idx);
        Attributes a = Attributes.of("axis", 1);
        assertEquals(Shape.of(8, 49, 49), inferShape("Gather", a, f32(8, 49), i64(49, 49)));
        NdArray y = run("Gather", a, table, indices);
        assertArrayEquals(new int[] {8, 49, 49}, y.shape());
        for (int h = 0; h < 8; h++)
            for (int i = 0; i < 49 * 49; i++) assertEquals(table.data()[h * 49 + (int) idx[i]], y.data()[h * 49 * 49 + i], 0f);
    }

    @Test
    void gatherAxis0AndNegativeIndices() {
        NdArray d = NdArray.of(new int[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6});
        NdArray y = run("Gather", Attributes.EMPTY, d, NdArray.ofLongs(new int[] {2}, new long[] {2, -3}));
        assertArrayEquals(new float[] {5, 6, 1, 2}, y.data());
        NdArray s = run("Gather", Attributes.of("axis", -1), d, NdArray.ofLongs(new int[0], new long[] {1}));
        assertArrayEquals(new int[] {3}, s.shape());
        assertArrayEquals(new float[] {2, 4, 6}, s.data());
        assertRejected("Gather", Attributes.of("axis", 1), f32(8, 49), f32(49, 49)); // float indices
        assertRejected("Gather", Attributes.of("axis", 2), f32(8, 49), i64(49, 49));
    }

    @Test
    void constantProducesItsTensor() {
        Tensor t = Tensor.ofFloats(Shape.of(2, 2), 1, -2, 3.5f, 4);
        Graph g = new Graph("c");
        Value x = g.addInput("x", f32(2, 2));
        Value k = g.apply("Constant", "k", Attributes.of("value", t));
        assertEquals(t.type(), k.type());
        g.addOutput(g.apply("Add", "add", x, k));
        g.addOutput(k);
        NdArray[] out = new Interpreter(g).run(NdArray.of(new int[] {2, 2}, new float[] {1, 1, 1, 1}));
        assertArrayEquals(new float[] {2, -1, 4.5f, 5}, out[0].data());
        assertArrayEquals(t.toFloatArray(), out[1].data());
        Tensor longs = Tensor.ofLongs(Shape.of(3), 7, -1, 0);
        Graph g2 = new Graph("c2");
        Value kl = g2.apply("Constant", "kl", Attributes.of("value", longs));
        assertEquals(new ValueType(DType.INT64, Shape.of(3)), kl.type());
        g2.addOutput(kl);
        assertArrayEquals(new long[] {7, -1, 0}, new Interpreter(g2).run()[0].longs());
        assertRejected("Constant", Attributes.EMPTY); // value is required
    }
}
