package dev.formwork.runtimes.coreml.mil;

import dev.formwork.runtimes.coreml.kernels.Bilinear;
import java.util.Map;

/**
 * Resizing of the last two axes, from coremltools {@code iOS15/image_resizing.py} and
 * {@code iOS16/image_resizing.py}. For an axis of input size {@code Xin} and output size
 * {@code Xout}, source coordinates (clamped to {@code [0, Xin-1]}) are:
 * <ul>
 *   <li>upsample_bilinear: output {@code floor(Xin * scale)} (the scale is recomputed from the
 *       sizes: "recompute_scale_factor=True"); align_corners defaults to <b>true</b>:
 *       {@code i * (Xin-1)/(Xout-1)}; align_corners false: {@code (i + 0.5) * Xin/Xout - 0.5}.
 *       iOS16 adds half_pixel_centers (default {@code !align_corners}); align_corners=false with
 *       half_pixel_centers=false is TF's legacy {@code i * Xin/Xout}; both true is rejected.</li>
 *   <li>resize_bilinear: target sizes (default 1) and sampling_mode (default DEFAULT):
 *       STRICT_ALIGN_CORNERS {@code i*(Xin-1)/(Xout-1)}; ALIGN_CORNERS the same but
 *       {@code (Xin-1)/2} when {@code Xout == 1}; DEFAULT {@code i*(Xin - Xin/Xout)/(Xout-1)};
 *       OFFSET_CORNERS {@code d/2 + i*d} with {@code d = max(1, Xin-1)/Xout}; UNALIGN_CORNERS
 *       {@code (i + 0.5)*Xin/Xout - 0.5}.</li>
 *   <li>upsample_nearest_neighbor: integer scale factors, output (i, j) reads (i/fh, j/fw).</li>
 * </ul>
 */
final class MilResizeOps {
    private MilResizeOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("upsample_bilinear", MilResizeOps::upsampleBilinear);
        t.put("resize_bilinear", MilResizeOps::resizeBilinear);
        t.put("upsample_nearest_neighbor", MilResizeOps::upsampleNearest);
    }

    private static MilValue[] upsampleBilinear(MilOpContext c) {
        MilValue x = input(c);
        float sh = c.floatParam("scale_factor_height", 1f), sw = c.floatParam("scale_factor_width", 1f);
        boolean align = c.boolParam("align_corners", true);
        boolean hpc = !align;
        if (c.has("half_pixel_centers")) {
            if (c.ios() < 16) throw c.fail("half_pixel_centers needs iOS16 (CoreML6)");
            hpc = c.boolParam("half_pixel_centers", !align);
        }
        if (align && hpc) throw c.fail("align_corners and half_pixel_centers cannot both be true");
        int h = x.dim(-2), w = x.dim(-1);
        int oh = (int) Math.floor(h * (double) sh), ow = (int) Math.floor(w * (double) sw);
        if (oh <= 0 || ow <= 0) throw c.fail("scale factors give an empty output");
        double[] ys = upsampleGrid(h, oh, align, hpc), xs = upsampleGrid(w, ow, align, hpc);
        return out(x, oh, ow, ys, xs);
    }

    static double[] upsampleGrid(int in, int out, boolean align, boolean hpc) {
        if (align) return Bilinear.grid(out, in, out == 1 ? 0 : (in - 1) / (double) (out - 1), 0);
        double s = in / (double) out;
        return hpc ? Bilinear.grid(out, in, s, 0.5 * s - 0.5) : Bilinear.grid(out, in, s, 0);
    }

    private static MilValue[] resizeBilinear(MilOpContext c) {
        MilValue x = input(c);
        int oh = c.intParam("target_size_height", 1), ow = c.intParam("target_size_width", 1);
        if (oh <= 0 || ow <= 0) throw c.fail("target sizes must be positive");
        String mode = c.strParam("sampling_mode", "DEFAULT");
        int h = x.dim(-2), w = x.dim(-1);
        return out(x, oh, ow, resizeGrid(c, mode, h, oh), resizeGrid(c, mode, w, ow));
    }

    private static double[] resizeGrid(MilOpContext c, String mode, int in, int out) {
        double lastStep = out == 1 ? 0 : 1.0 / (out - 1);
        return switch (mode) {
            case "STRICT_ALIGN_CORNERS" -> Bilinear.grid(out, in, (in - 1) * lastStep, 0);
            case "ALIGN_CORNERS" -> out == 1 ? Bilinear.grid(1, in, 0, (in - 1) / 2.0) : Bilinear.grid(out, in, (in - 1) * lastStep, 0);
            case "DEFAULT" -> Bilinear.grid(out, in, (in - in / (double) out) * lastStep, 0);
            case "OFFSET_CORNERS" -> {
                double d = Math.max(1, in - 1) / (double) out;
                yield Bilinear.grid(out, in, d, 0.5 * d);
            }
            case "UNALIGN_CORNERS" -> {
                double s = in / (double) out;
                yield Bilinear.grid(out, in, s, 0.5 * s - 0.5);
            }
            default -> throw c.fail("unknown sampling_mode '" + mode + "'");
        };
    }

    private static MilValue[] upsampleNearest(MilOpContext c) {
        MilValue x = input(c);
        float sh = c.floatParam("scale_factor_height", 1f), sw = c.floatParam("scale_factor_width", 1f);
        if (sh != Math.rint(sh) || sw != Math.rint(sw) || sh < 1 || sw < 1) throw c.fail("only integer scale factors are supported");
        int fh = (int) sh, fw = (int) sw, h = x.dim(-2), w = x.dim(-1);
        int[] shape = x.shape();
        shape[shape.length - 2] = h * fh;
        shape[shape.length - 1] = w * fw;
        return new MilValue[] {MilValue.floats(x.dtype(), shape, Bilinear.nearest(x.floats(), x.size() / (h * w), h, w, fh, fw))};
    }

    private static MilValue input(MilOpContext c) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        if (x.rank() < 3) throw c.fail("x must be at least rank 3, got " + x.describe());
        return x;
    }

    private static MilValue[] out(MilValue x, int oh, int ow, double[] ys, double[] xs) {
        int h = x.dim(-2), w = x.dim(-1);
        int[] shape = x.shape();
        shape[shape.length - 2] = oh;
        shape[shape.length - 1] = ow;
        return new MilValue[] {MilValue.floats(x.dtype(), shape, Bilinear.resample(x.floats(), x.size() / (h * w), h, w, ys, xs))};
    }
}
