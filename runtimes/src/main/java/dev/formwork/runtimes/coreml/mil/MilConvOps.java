package dev.formwork.runtimes.coreml.mil;

import dev.formwork.ir.kernels.Conv2d;
import java.util.Map;

/**
 * {@code conv} from coremltools {@code iOS15/conv.py} (iOS17 only relaxes parameter dtypes):
 * x {@code [N, Cin, *D]} with 1 or 2 spatial axes, weight {@code [Cout, Cin/groups, *K]}, optional
 * bias {@code [Cout]}; strides and dilations default to 1, pad_type to {@code valid}, groups to 1;
 * output {@code floor((D + pad_before + pad_after - (K-1)*dilation - 1) / stride) + 1}.
 * Before iOS17 weight and bias must have x's dtype.
 */
final class MilConvOps {
    private MilConvOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("conv", MilConvOps::conv);
    }

    private static MilValue[] conv(MilOpContext c) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        MilValue w = MilElementwiseOps.floatInput(c, "weight");
        MilValue bias = c.opt("bias");
        int spatial = x.rank() - 2;
        if (spatial != 1 && spatial != 2) throw c.fail("x must be rank 3 or 4, got " + x.describe());
        if (w.rank() != x.rank()) throw c.fail("weight " + w.describe() + " must have the rank of x " + x.describe());
        if (c.ios() < 17 && (w.dtype() != x.dtype() || (bias != null && bias.dtype() != x.dtype()))) {
            throw c.fail("weight/bias dtype must equal x's before iOS17");
        }
        int groups = c.intParam("groups", 1);
        int[] strides = c.intsParam("strides", ones(spatial));
        int[] dil = c.intsParam("dilations", ones(spatial));
        if (strides.length != spatial || dil.length != spatial) throw c.fail("strides and dilations need " + spatial + " values");
        int n = x.dim(0), cin = x.dim(1), cout = w.dim(0);
        if (groups < 1 || cin % groups != 0 || cout % groups != 0) throw c.fail("groups " + groups + " must divide Cin " + cin + " and Cout " + cout);
        if (w.dim(1) != cin / groups) throw c.fail("weight " + w.describe() + ": dim 1 must be Cin/groups = " + cin / groups);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != cout)) throw c.fail("bias must be [" + cout + "], got " + bias.describe());
        int h = spatial == 2 ? x.dim(2) : 1, wd = x.dim(-1);
        int kh = spatial == 2 ? w.dim(2) : 1, kw = w.dim(-1);
        int sh = spatial == 2 ? strides[0] : 1, sw = strides[spatial - 1];
        int dh = spatial == 2 ? dil[0] : 1, dw = dil[spatial - 1];
        int[] in = spatial == 2 ? new int[] {h, wd} : new int[] {wd};
        int[] kEff = spatial == 2 ? new int[] {(kh - 1) * dh + 1, (kw - 1) * dw + 1} : new int[] {(kw - 1) * dw + 1};
        int[] pads = MilPadding.resolve(c, c.strParam("pad_type", "valid"), in, kEff, strides);
        int pt = spatial == 2 ? pads[0] : 0, pb = spatial == 2 ? pads[1] : 0;
        int pl = pads[2 * spatial - 2], pr = pads[2 * spatial - 1];
        // The shared kernel takes pads as (top, left, bottom, right).
        Conv2d.Geometry g = new Conv2d.Geometry(n, cin, h, wd, cout, kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, groups);
        if (g.oh() <= 0 || g.ow() <= 0) throw c.fail("kernel larger than the padded input " + x.describe());
        float[] y = Conv2d.run(g, x.floats(), w.floats(), bias == null ? null : bias.floats());
        int[] shape = spatial == 2 ? new int[] {n, cout, g.oh(), g.ow()} : new int[] {n, cout, g.ow()};
        return new MilValue[] {MilValue.floats(x.dtype(), shape, y)};
    }

    static int[] ones(int n) {
        int[] r = new int[n];
        java.util.Arrays.fill(r, 1);
        return r;
    }
}
