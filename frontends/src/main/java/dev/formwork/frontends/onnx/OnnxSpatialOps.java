package dev.formwork.frontends.onnx;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Conv, pooling and Resize. {@code auto_pad} and {@code ceil_mode} become explicit pads at
 * import (the shapes are static): SAME_UPPER/SAME_LOWER split the total padding ONNX's way, and
 * a ceil-mode window is an extra end pad, which max pooling ignores and count_include_pad = 0
 * average pooling leaves out of the divisor, so both are exact.
 */
final class OnnxSpatialOps {
    private OnnxSpatialOps() {}

    static void conv(OnnxImporter im, OnnxOps o) {
        Shape x = im.shape(0), w = im.shape(1);
        if (x.rank() != 4) throw im.error("only 2-D convolution is supported, input is " + x);
        int[] k = {w.dim(2), w.dim(3)};
        long[] strides = o.ints("strides", 1, 1), dil = o.ints("dilations", 1, 1);
        long[] pads = pads(im, o, x, k, strides, dil, false);
        List<Value> ins = new ArrayList<>(List.of(im.in(0), im.in(1)));
        if (im.has(2)) ins.add(im.in(2));
        o.out(o.g().add("Conv", im.name(), ins, Attributes.of("strides", strides, "pads", pads, "dilations", dil,
                "groups", o.intAttr("group", 1))).output());
    }

    static void pool(OnnxImporter im, OnnxOps o, String op) {
        Shape x = im.shape(0);
        boolean max = op.equals("MaxPool");
        if (max && im.outputUsed(1)) throw im.error("the Indices output is not supported");
        int spatial = x.rank() - 2;
        long[] kernel = o.ints("kernel_shape");
        if (kernel.length != spatial) throw im.error("kernel_shape " + Arrays.toString(kernel) + " does not fit input " + x);
        long[] ones = new long[spatial];
        Arrays.fill(ones, 1);
        long[] strides = o.ints("strides", ones), dil = o.ints("dilations", ones);
        int[] k = Arrays.stream(kernel).mapToInt(Math::toIntExact).toArray();
        long[] pads = pads(im, o, x, k, strides, dil, o.intAttr("ceil_mode", 0) != 0);
        boolean includePad = o.intAttr("count_include_pad", 0) != 0;
        if (!max && includePad && o.intAttr("ceil_mode", 0) != 0) throw im.error("ceil_mode=1 with count_include_pad=1 is not supported");
        if (max) {
            o.out(o.apply("MaxPool", im.name(), Attributes.of("kernel", kernel, "strides", strides, "pads", pads, "dilations", dil), im.in(0)));
            return;
        }
        if (Arrays.stream(dil).anyMatch(d -> d != 1)) throw im.error("dilated average pooling is not supported");
        if (spatial == 1) {
            // 1-D pooling is 2-D pooling over a height of 1
            Value r = o.reshapeTo(im.in(0), new long[] {x.dim(0), x.dim(1), 1, x.dim(2)}, im.name() + "/as_2d");
            Value p = o.apply("AveragePool", im.name() + "/pool", Attributes.of("kernel", new long[] {1, kernel[0]},
                    "strides", new long[] {1, strides[0]}, "pads", new long[] {0, pads[0], 0, pads[1]},
                    "count_include_pad", includePad ? 1L : 0L), r);
            Shape ps = p.shape();
            o.out(o.reshapeTo(p, new long[] {ps.dim(0), ps.dim(1), ps.dim(3)}, im.name()));
            return;
        }
        if (spatial != 2) throw im.error(spatial + "-D average pooling is not supported");
        o.out(o.apply("AveragePool", im.name(), Attributes.of("kernel", kernel, "strides", strides, "pads", pads,
                "count_include_pad", includePad ? 1L : 0L), im.in(0)));
    }

    /** Explicit [begin..., end...] pads for the spatial axes, resolving auto_pad and ceil_mode. */
    private static long[] pads(OnnxImporter im, OnnxOps o, Shape x, int[] k, long[] strides, long[] dil, boolean ceil) {
        int sp = k.length;
        String auto = o.str("auto_pad", "NOTSET");
        long[] pads = new long[2 * sp];
        switch (auto) {
            case "NOTSET" -> {
                long[] p = o.ints("pads", pads);
                if (p.length != 2 * sp) throw im.error("pads " + Arrays.toString(p) + " do not fit " + sp + " spatial axes");
                pads = p.clone();
            }
            case "VALID" -> { }
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int i = 0; i < sp; i++) {
                    long in = x.dim(2 + i), s = strides[i], eff = (k[i] - 1) * dil[i] + 1;
                    long out = (in + s - 1) / s;
                    long total = Math.max(0, (out - 1) * s + eff - in);
                    long small = total / 2, big = total - small;
                    pads[i] = auto.equals("SAME_UPPER") ? small : big;
                    pads[sp + i] = auto.equals("SAME_UPPER") ? big : small;
                }
                return pads;
            }
            default -> throw im.error("unsupported auto_pad " + auto);
        }
        if (ceil) {
            for (int i = 0; i < sp; i++) {
                long in = x.dim(2 + i), s = strides[i], eff = (k[i] - 1) * dil[i] + 1;
                long span = in + pads[i] + pads[sp + i] - eff;
                long out = Math.floorDiv(span + s - 1, s) + 1;
                if ((out - 1) * s >= in + pads[i]) out--; // the last window may not start in the end padding
                long extra = (out - 1) * s + eff - (in + pads[i] + pads[sp + i]);
                if (extra > 0) pads[sp + i] += extra;
            }
        }
        return pads;
    }

    /** Resize: bilinear with half-pixel centres (PyTorch's interpolate, align_corners=False) is the IR's Resize. */
    static void resize(OnnxImporter im, OnnxOps o) {
        Shape x = im.shape(0);
        String mode = o.str("mode", "nearest"), ctm = o.str("coordinate_transformation_mode", "half_pixel");
        if (!mode.equals("linear")) throw im.error("unsupported mode " + mode + " (linear only)");
        if (!ctm.equals("half_pixel") && !ctm.equals("pytorch_half_pixel")) throw im.error("unsupported coordinate_transformation_mode " + ctm);
        if (x.rank() != 4) throw im.error("only 4-D Resize is supported, input is " + x);
        NdArray scales = im.opset >= 11 ? im.knownOrNull(2) : im.knownOrNull(1);
        NdArray sizes = im.opset >= 11 ? im.knownOrNull(3) : null;
        double sh, sw;
        if (scales != null && scales.size() == 4) {
            float[] s = scales.data();
            if (s[0] != 1f || s[1] != 1f) throw im.error("only the last two axes may be resized");
            sh = s[2];
            sw = s[3];
        } else if (sizes != null && sizes.size() == 4) {
            long[] s = sizes.longs();
            if (s[0] != x.dim(0) || s[1] != x.dim(1)) throw im.error("only the last two axes may be resized");
            sh = (double) s[2] / x.dim(2);
            sw = (double) s[3] / x.dim(3);
        } else {
            throw im.error("scales or sizes must be a constant of 4 values");
        }
        Value y = o.apply("Resize", im.name(), Attributes.of("scales", new double[] {sh, sw}, "mode", "linear",
                "coordinate_transformation_mode", "half_pixel"), im.in(0));
        if (ctm.equals("pytorch_half_pixel") && (y.shape().dim(2) == 1 || y.shape().dim(3) == 1)) {
            throw im.error("pytorch_half_pixel with an output size of 1 is not supported");
        }
        o.out(y);
    }
}
