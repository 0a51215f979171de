package dev.formwork.runtimes.coreml.mil;

import dev.formwork.runtimes.coreml.kernels.Reduce;
import java.util.Map;

/**
 * {@code reduce_mean}, {@code reduce_sum} and {@code reduce_max} from coremltools
 * {@code iOS15/reduction.py}: axes default all axes; keep_dims default false, in which case the
 * reduced axes are removed (a full reduction gives a scalar). reduce_max propagates NaN, as
 * NumPy's max (its value_inference) does.
 */
final class MilReduceOps {
    private MilReduceOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("reduce_mean", c -> reduce(c, Reduce::mean));
        t.put("reduce_sum", c -> reduce(c, Reduce::sum));
        t.put("reduce_max", c -> reduce(c, Reduce::max));
    }

    private static MilValue[] reduce(MilOpContext c, Reduce.Kernel kernel) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        int r = x.rank();
        boolean[] red = new boolean[r];
        int[] axes = c.intsParam("axes", null);
        if (axes == null) java.util.Arrays.fill(red, true);
        else for (int a : axes) red[c.axis(a, r)] = true;
        boolean keep = c.boolParam("keep_dims", false);
        float[] y = kernel.apply(x.floats(), x.shape(), red);
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
