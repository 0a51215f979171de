package dev.formwork.ir.op;

import static dev.formwork.ir.testutil.OpRunner.assertRejected;
import static dev.formwork.ir.testutil.OpRunner.f32;
import static dev.formwork.ir.testutil.OpRunner.i64;
import static dev.formwork.ir.testutil.OpRunner.inferAll;
import static dev.formwork.ir.testutil.OpRunner.inferShape;
import static dev.formwork.ir.testutil.OpRunner.run;
import static dev.formwork.ir.testutil.OpRunner.runAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.testutil.Naive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reshape, Flatten, Transpose, Split and Concat. */
class ShapeOpsTest {
    @Test
    void reshapeInfersMinusOne() {
        NdArray x = Naive.randn(1, 2, 3, 4);
        assertEquals(Shape.of(6, 4), inferShape("Reshape", Attributes.of("shape", new int[] {-1, 4}), f32(2, 3, 4)));
        assertEquals(Shape.of(2, 12), inferShape("Reshape", Attributes.of("shape", new int[] {2, -1}), f32(2, 3, 4)));
        assertEquals(Shape.of(24), inferShape("Reshape", Attributes.of("shape", new int[] {-1}), f32(2, 3, 4)));
        assertEquals(Shape.of(1, 24, 1), inferShape("Reshape", Attributes.of("shape", new int[] {1, -1, 1}), f32(2, 3, 4)));
        NdArray y = run("Reshape", Attributes.of("shape", new int[] {4, -1}), x);
        assertArrayEquals(new int[] {4, 6}, y.shape());
        assertArrayEquals(x.data(), y.data()); // row-major order kept
        assertEquals(Shape.SCALAR, inferShape("Reshape", Attributes.of("shape", new int[0]), f32(1, 1)));
    }

    @Test
    void reshapeRejects() {
        assertRejected("Reshape", Attributes.of("shape", new int[] {5, -1}), f32(2, 3, 4));
        assertRejected("Reshape", Attributes.of("shape", new int[] {-1, -1}), f32(2, 3, 4));
        assertRejected("Reshape", Attributes.of("shape", new int[] {2, 3, 5}), f32(2, 3, 4));
        assertRejected("Reshape", Attributes.of("shape", new int[] {-2, 12}), f32(2, 3, 4));
        assertRejected("Reshape", Attributes.of("shape", new int[] {0, -1}), f32(2, 3, 4)); // 0 is literal
    }

    @Test
    void flatten() {
        assertEquals(Shape.of(2, 3, 20), inferShape("Flatten", Attributes.of("start", 2), f32(2, 3, 4, 5)));
        assertEquals(Shape.of(2, 60), inferShape("Flatten", Attributes.EMPTY, f32(2, 3, 4, 5)));
        assertEquals(Shape.of(6, 4, 5), inferShape("Flatten", Attributes.of("start", 0, "end", 1), f32(2, 3, 4, 5)));
        assertEquals(Shape.of(2, 3, 4, 5), inferShape("Flatten", Attributes.of("start", 2, "end", 2), f32(2, 3, 4, 5)));
        NdArray x = Naive.randn(2, 2, 3, 4, 5);
        NdArray y = run("Flatten", Attributes.of("start", 2), x);
        assertArrayEquals(new int[] {2, 3, 20}, y.shape());
        assertArrayEquals(x.data(), y.data());
        assertRejected("Flatten", Attributes.of("start", 3, "end", 1), f32(2, 3, 4, 5));
        assertRejected("Flatten", Attributes.of("start", 4), f32(2, 3, 4, 5));
    }

    private static void permutations(int[] prefix, boolean[] used, int n, List<int[]> out) {
        if (prefix.length == n) {
            out.add(prefix);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (used[i]) continue;
            used[i] = true;
            int[] p = Arrays.copyOf(prefix, prefix.length + 1);
            p[prefix.length] = i;
            permutations(p, used, n, out);
            used[i] = false;
        }
    }

    /** out[i0..ir] = x[j] where j[perm[d]] = i[d]. */
    private static void checkTranspose(int[] shape) {
        List<int[]> perms = new ArrayList<>();
        permutations(new int[0], new boolean[shape.length], shape.length, perms);
        NdArray x = Naive.randn(shape.length, shape);
        long[] lx = new long[x.size()];
        for (int i = 0; i < lx.length; i++) lx[i] = i * 7L - 3;
        NdArray xl = NdArray.ofLongs(shape, lx);
        for (int[] p : perms) {
            int[] os = new int[shape.length];
            for (int d = 0; d < os.length; d++) os[d] = shape[p[d]];
            Attributes a = Attributes.of("perm", p);
            assertEquals(Shape.of(os), inferShape("Transpose", a, f32(shape)));
            NdArray y = run("Transpose", a, x);
            NdArray yl = run("Transpose", a, xl);
            assertArrayEquals(os, y.shape());
            for (int i = 0; i < y.size(); i++) {
                int[] oi = Naive.unravel(i, os);
                int[] si = new int[shape.length];
                for (int d = 0; d < os.length; d++) si[p[d]] = oi[d];
                int src = Naive.ravel(si, shape);
                assertEquals(x.data()[src], y.data()[i], 0f, "perm " + Arrays.toString(p) + " at " + i);
                assertEquals(lx[src], yl.longs()[i], "int64 perm " + Arrays.toString(p));
            }
        }
    }

    @Test
    void transposeAllPermutations() {
        checkTranspose(new int[] {2, 3, 4, 5});
        checkTranspose(new int[] {3, 4, 5});
        checkTranspose(new int[] {4, 1, 3});
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6},
                run("Transpose", Attributes.of("perm", new int[] {1, 0}), NdArray.of(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})).data());
    }

    @Test
    void transposeRejects() {
        assertRejected("Transpose", Attributes.of("perm", new int[] {0, 1}), f32(2, 3, 4));
        assertRejected("Transpose", Attributes.of("perm", new int[] {0, 1, 1}), f32(2, 3, 4));
        assertRejected("Transpose", Attributes.of("perm", new int[] {0, 1, 3}), f32(2, 3, 4));
    }

    /** Piece {@code k} of a split is x[..., off:off+size, ...] along {@code axis}. */
    private static void checkSplit(int[] shape, int axis, int[] sizes) {
        NdArray x = Naive.randn(sizes.length, shape);
        Attributes a = Attributes.of("axis", axis, "split", sizes);
        List<dev.formwork.ir.ValueType> types = inferAll("Split", a, f32(shape));
        NdArray[] ys = runAll("Split", a, x);
        assertEquals(sizes.length, ys.length);
        int ax = axis < 0 ? axis + shape.length : axis;
        int off = 0;
        for (int k = 0; k < sizes.length; k++) {
            int[] ps = shape.clone();
            ps[ax] = sizes[k];
            assertEquals(Shape.of(ps), types.get(k).shape());
            assertArrayEquals(ps, ys[k].shape());
            for (int i = 0; i < ys[k].size(); i++) {
                int[] idx = Naive.unravel(i, ps);
                idx[ax] += off;
                assertEquals(x.data()[Naive.ravel(idx, shape)], ys[k].data()[i], 0f, "split piece " + k);
            }
            off += sizes[k];
        }
    }

    @Test
    void split() {
        checkSplit(new int[] {2, 49, 192}, -1, new int[] {32, 32, 128});
        checkSplit(new int[] {2, 49, 192}, 2, new int[] {32, 32, 128});
        checkSplit(new int[] {2, 6, 3}, 1, new int[] {1, 2, 3});
        checkSplit(new int[] {4, 5}, 0, new int[] {4});
        assertRejected("Split", Attributes.of("axis", -1, "split", new int[] {32, 32, 127}), f32(2, 49, 192));
        assertRejected("Split", Attributes.of("axis", 3, "split", new int[] {1}), f32(2, 49, 192));
    }

    @Test
    void concat() {
        NdArray a = Naive.randn(5, 2, 3, 4), b = Naive.randn(6, 2, 5, 4), c = Naive.randn(7, 2, 1, 4);
        Attributes ax1 = Attributes.of("axis", 1);
        assertEquals(Shape.of(2, 9, 4), inferShape("Concat", ax1, f32(2, 3, 4), f32(2, 5, 4), f32(2, 1, 4)));
        NdArray y = run("Concat", ax1, a, b, c);
        assertArrayEquals(new int[] {2, 9, 4}, y.shape());
        for (int i = 0; i < y.size(); i++) {
            int[] idx = Naive.unravel(i, y.shape());
            int j = idx[1];
            NdArray src = j < 3 ? a : j < 8 ? b : c;
            idx[1] = j < 3 ? j : j < 8 ? j - 3 : j - 8;
            assertEquals(src.data()[Naive.ravel(idx, src.shape())], y.data()[i], 0f);
        }
        NdArray last = run("Concat", Attributes.of("axis", -1), NdArray.of(new int[] {2, 1}, new float[] {1, 2}),
                NdArray.of(new int[] {2, 2}, new float[] {3, 4, 5, 6}));
        assertArrayEquals(new float[] {1, 3, 4, 2, 5, 6}, last.data());
        NdArray first = run("Concat", Attributes.of("axis", 0), a, a);
        assertArrayEquals(a.data(), Arrays.copyOfRange(first.data(), 0, a.size()));
        assertArrayEquals(a.data(), Arrays.copyOfRange(first.data(), a.size(), 2 * a.size()));
        assertArrayEquals(a.data(), run("Concat", ax1, a).data());
    }

    @Test
    void concatRejects() {
        assertRejected("Concat", Attributes.of("axis", 1), f32(2, 3, 4), f32(2, 3, 5));
        assertRejected("Concat", Attributes.of("axis", 1), f32(2, 3, 4), f32(2, 3));
        assertRejected("Concat", Attributes.of("axis", 3), f32(2, 3, 4), f32(2, 3, 4));
        assertRejected("Concat", Attributes.EMPTY, f32(2, 3, 4), f32(2, 3, 4)); // axis is required
        assertRejected("Concat", Attributes.of("axis", 0)); // no inputs
        assertEquals(Shape.of(2, 3), inferShape("Transpose", Attributes.of("perm", new int[] {1, 0}), i64(3, 2)));
    }
}
