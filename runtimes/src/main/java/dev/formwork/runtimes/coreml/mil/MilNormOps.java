package dev.formwork.runtimes.coreml.mil;

import dev.formwork.exporters.coreml.validate.MilTypes;
import dev.formwork.runtimes.coreml.kernels.Permute;
import dev.formwork.runtimes.coreml.kernels.Reduce;
import java.util.Map;

/**
 * Normalisations from coremltools {@code iOS15/normalization.py} and {@code iOS15/activation.py}:
 * <ul>
 *   <li>batch_norm: x rank 3..5, channel axis 1; mean, variance (required), gamma (default 1),
 *       beta (default 0) all {@code [C]}; epsilon default 1e-5;</li>
 *   <li>layer_norm: axes default all axes (need not be trailing); gamma/beta shaped
 *       {@code x.shape[axes]} (axes in increasing order); biased variance; epsilon 1e-5;</li>
 *   <li>softmax: axis default -1.</li>
 * </ul>
 * Before iOS17 the parameters share x's dtype.
 */
final class MilNormOps {
    private MilNormOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("batch_norm", MilNormOps::batchNorm);
        t.put("layer_norm", MilNormOps::layerNorm);
        t.put("softmax", c -> {
            MilValue x = MilElementwiseOps.floatInput(c, "x");
            int axis = c.axis(c.intParam("axis", -1), x.rank());
            return new MilValue[] {MilValue.floats(x.dtype(), x.shape(), Reduce.softmax(x.floats(), x.shape(), axis))};
        });
    }

    private static void sameType(MilOpContext c, MilValue x, String... params) {
        if (c.ios() >= 17) return;
        for (String p : params) {
            MilValue v = c.opt(p);
            if (v != null && v.dtype() != x.dtype()) {
                throw c.fail("'" + p + "' is " + MilTypes.name(v.dtype()) + " but x is " + MilTypes.name(x.dtype()) + " (must match before iOS17)");
            }
        }
    }

    private static float[] vec(MilOpContext c, String p, int n, float dflt) {
        MilValue v = c.opt(p);
        float[] r = new float[n];
        if (v == null) {
            java.util.Arrays.fill(r, dflt);
            return r;
        }
        if (v.size() != n) throw c.fail("'" + p + "' must have " + n + " values, got " + v.describe());
        return v.floats();
    }

    private static MilValue[] batchNorm(MilOpContext c) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        if (x.rank() < 3 || x.rank() > 5) throw c.fail("x must be rank 3..5, got " + x.describe());
        sameType(c, x, "mean", "variance", "gamma", "beta", "epsilon");
        int ch = x.dim(1);
        c.in("mean");
        c.in("variance");
        float[] mean = vec(c, "mean", ch, 0), var = vec(c, "variance", ch, 1);
        float[] gamma = vec(c, "gamma", ch, 1), beta = vec(c, "beta", ch, 0);
        float eps = c.floatParam("epsilon", 1e-5f);
        float[] scale = new float[ch], shift = new float[ch];
        for (int k = 0; k < ch; k++) {
            scale[k] = (float) (gamma[k] / Math.sqrt(var[k] + (double) eps));
            shift[k] = beta[k] - mean[k] * scale[k];
        }
        int inner = Reduce.prod(x.shape(), 2, x.rank());
        return new MilValue[] {MilValue.floats(x.dtype(), x.shape(), Reduce.channelAffine(x.floats(), x.dim(0), ch, inner, scale, shift))};
    }

    private static MilValue[] layerNorm(MilOpContext c) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        sameType(c, x, "gamma", "beta", "epsilon");
        int r = x.rank();
        boolean[] norm = new boolean[r];
        int[] axes = c.intsParam("axes", null);
        if (axes == null) java.util.Arrays.fill(norm, true);
        else for (int a : axes) norm[c.axis(a, r)] = true;
        int count = 1;
        for (int k = 0; k < r; k++) if (norm[k]) count *= x.dim(k);
        float[] gamma = c.opt("gamma") == null ? null : vec(c, "gamma", count, 1);
        float[] beta = c.opt("beta") == null ? null : vec(c, "beta", count, 0);
        float eps = c.floatParam("epsilon", 1e-5f);
        // Bring the normalized axes to the end (in increasing order), normalize rows, bring back.
        int[] perm = new int[r];
        int j = 0;
        for (int k = 0; k < r; k++) if (!norm[k]) perm[j++] = k;
        for (int k = 0; k < r; k++) if (norm[k]) perm[j++] = k;
        boolean identity = true;
        for (int k = 0; k < r; k++) identity &= perm[k] == k;
        float[] data = identity ? x.floats() : Permute.apply(x.floats(), x.shape(), perm);
        float[] y = Reduce.layerNormTrailing(data, count, gamma, beta, eps);
        if (!identity) {
            int[] inv = new int[r];
            for (int k = 0; k < r; k++) inv[perm[k]] = k;
            y = Permute.apply(y, Permute.shape(x.shape(), perm), inv);
        }
        return new MilValue[] {MilValue.floats(x.dtype(), x.shape(), y)};
    }
}
