package dev.formwork.runtimes.coreml.mil;

import dev.formwork.runtimes.coreml.kernels.Reduce;
import java.util.Map;

/**
 * {@code reduce_mean} and {@code reduce_sum} from coremltools {@code iOS15/reduction.py}: axes
 * default all axes; keep_dims default false, in which case the reduced axes are removed (a full
 * reduction gives a scalar).
 */
final class MilReduceOps {
    private MilReduceOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("reduce_mean", c -> reduce(c, false));
        t.put("reduce_sum", c -> reduce(c, true));
    }

    private static MilValue[] reduce(MilOpContext c, boolean sum) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        int r = x.rank();
        boolean[] red = new boolean[r];
        int[] axes = c.intsParam("axes", null);
        if (axes == null) java.util.Arrays.fill(red, true);
        else for (int a : axes) red[c.axis(a, r)] = true;
        boolean keep = c.boolParam("keep_dims", false);
        float[] y = Reduce.mean(x.floats(), x.shape(), red);
        if (sum) {
            int count = 1;
            for (int k = 0; k < r; k++) if (red[k]) count *= x.dim(k);
            for (int k = 0; k < y.length; k++) y[k] *= count;
        }
        int kept = 0;
        for (boolean b : red) if (!b) kept++;
        int[] shape = new int[keep ? r : kept];
        for (int k = 0, j = 0; k < r; k++) {
            if (keep) shape[k] = red[k] ? 1 : x.dim(k);
            else if (!red[k]) shape[j++] = x.dim(k);
        }
        return new MilValue[] {MilValue.floats(x.dtype(), shape, y)};
    }
}
