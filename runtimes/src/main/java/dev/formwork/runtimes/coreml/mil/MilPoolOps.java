package dev.formwork.runtimes.coreml.mil;

import dev.formwork.runtimes.coreml.kernels.Pool2d;
import java.util.Map;

/**
 * {@code avg_pool} and {@code max_pool} from coremltools {@code iOS15/pool.py}: x
 * {@code [N, C, *D]} with 1 or 2 spatial axes; kernel_sizes required; strides default 1;
 * pad_type required ({@code valid}/{@code same}/{@code custom}/{@code same_lower}, pad order
 * [top, bottom, left, right]); {@code exclude_padding_from_average} (avg only) default false;
 * {@code ceil_mode} default false — with ceil_mode the output is
 * {@code ceil((D + pads - K) / S) + 1}, less one when the last window would start past
 * {@code D + pad_before}; ceil_mode is not allowed with pad_type same.
 */
final class MilPoolOps {
    private MilPoolOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("avg_pool", c -> pool(c, true));
        t.put("max_pool", c -> pool(c, false));
    }

    private static MilValue[] pool(MilOpContext c, boolean avg) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        int spatial = x.rank() - 2;
        if (spatial != 1 && spatial != 2) throw c.fail("x must be rank 3 or 4 (1-D or 2-D pooling), got " + x.describe());
        int[] k = c.intsParam("kernel_sizes", null);
        if (k == null || k.length != spatial) throw c.fail("kernel_sizes needs " + spatial + " values");
        int[] s = c.intsParam("strides", MilConvOps.ones(spatial));
        if (s.length != spatial) throw c.fail("strides needs " + spatial + " values");
        String padType = c.strParam("pad_type", null);
        if (padType == null) throw c.fail("required input 'pad_type' is not bound");
        boolean ceil = c.boolParam("ceil_mode", false);
        if (ceil && padType.equals("same")) throw c.fail("ceil_mode must be false when pad_type is same");
        boolean exclude = avg && c.boolParam("exclude_padding_from_average", false);
        int h = spatial == 2 ? x.dim(2) : 1, w = x.dim(-1);
        int[] in = spatial == 2 ? new int[] {h, w} : new int[] {w};
        int[] pads = MilPadding.resolve(c, padType, in, k, s);
        if (ceil) {
            for (int d = 0; d < spatial; d++) {
                if (pads[2 * d] != pads[2 * d + 1]) throw c.fail("padding must be symmetric when ceil_mode is true");
            }
        }
        int kh = spatial == 2 ? k[0] : 1, kw = k[spatial - 1];
        int sh = spatial == 2 ? s[0] : 1, sw = s[spatial - 1];
        int top = spatial == 2 ? pads[0] : 0, bottom = spatial == 2 ? pads[1] : 0;
        int left = pads[2 * spatial - 2], right = pads[2 * spatial - 1];
        int oh = Pool2d.outSize(h, kh, sh, top, bottom, ceil), ow = Pool2d.outSize(w, kw, sw, left, right, ceil);
        if (oh <= 0 || ow <= 0) throw c.fail("kernel larger than the padded input " + x.describe());
        Pool2d.Geometry g = new Pool2d.Geometry(h, w, kh, kw, sh, sw, top, bottom, left, right, oh, ow);
        int planes = x.dim(0) * x.dim(1);
        float[] y = avg ? Pool2d.average(x.floats(), planes, g, exclude) : Pool2d.max(x.floats(), planes, g);
        int[] shape = spatial == 2 ? new int[] {x.dim(0), x.dim(1), oh, ow} : new int[] {x.dim(0), x.dim(1), ow};
        return new MilValue[] {MilValue.floats(x.dtype(), shape, y)};
    }
}
