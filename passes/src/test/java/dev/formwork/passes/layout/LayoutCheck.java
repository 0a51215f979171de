package dev.formwork.passes.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.op.ShapeOps;
import java.util.Random;
import java.util.Set;

/** The numeric certificate of a layout rewrite and structural checks shared by the tests. */
final class LayoutCheck {
    private static final Set<String> SPATIAL = Set.of("Conv", "AveragePool", "MaxPool", "Resize", "SpaceToDepth");

    private LayoutCheck() {}

    static NdArray[] gaussian(Graph g, long seed) {
        NdArray[] out = new NdArray[g.inputs().size()];
        Random r = new Random(seed);
        for (int i = 0; i < out.length; i++) {
            int[] s = g.input(i).shape().toArray();
            float[] d = new float[(int) NdArray.numel(s)];
            for (int k = 0; k < d.length; k++) d[k] = (float) r.nextGaussian();
            out[i] = NdArray.of(s, d);
        }
        return out;
    }

    /** Runs both graphs (inputs permuted to NHWC where the new graph wants it); returns the worst relative error. */
    static double certify(Graph nchw, Graph laid) {
        NdArray[] x = gaussian(nchw, 42);
        NdArray[] y = new NdArray[x.length];
        for (int i = 0; i < x.length; i++) {
            boolean nhwc = x[i].rank() == 4 && laid.input(i).shape().dim(3) == x[i].dim(1) && laid.input(i).shape().dim(1) != x[i].dim(1);
            y[i] = nhwc ? ShapeOps.permute(x[i], Perm.NHWC) : x[i];
        }
        NdArray[] a = new Interpreter(nchw).run(x), b = new Interpreter(laid).run(y);
        assertEquals(a.length, b.length);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            NdArray got = b[i];
            if (got.rank() == 4 && !java.util.Arrays.equals(got.shape(), a[i].shape())) got = ShapeOps.permute(got, Perm.inverse(Perm.NHWC));
            worst = Math.max(worst, Comparison.of(got, a[i]).relativeToScale());
        }
        return worst;
    }

    /** Every spatial op carries layout NHWC: nothing was left to per-op transposes. */
    static void allSpatialNhwc(Graph g) {
        for (Node n : g.nodes()) {
            if (SPATIAL.contains(n.opType())) assertEquals("NHWC", n.s("layout"), n.name());
            if (n.is("Softmax")) assertEquals(-1L, n.i("axis"), n.name());
        }
    }

    static int count(Graph g, String op) {
        int c = 0;
        for (Node n : g.nodes()) if (n.is(op)) c++;
        return c;
    }

    /** Data-moving transposes that are not inside an attention module (or right after the input). */
    static void transposesOnlyIn(LayoutReport r, String... allowedPrefixes) {
        for (String t : r.transposeNodes()) {
            boolean ok = false;
            for (String p : allowedPrefixes) ok |= t.startsWith(p);
            assertTrue(ok, "transpose outside attention: " + t + " (all: " + r.transposeNodes() + ")");
        }
    }

    static Value output(Graph g) {
        return g.output(0);
    }
}
