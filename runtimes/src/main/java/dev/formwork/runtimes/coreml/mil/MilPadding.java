package dev.formwork.runtimes.coreml.mil;

/**
 * Spatial padding of MIL conv and pooling ops (coremltools {@code ops/defs/_utils.py}
 * aggregated_pad / spatial_dimensions_out_shape and {@code iOS15/conv.py}):
 * <ul>
 *   <li>{@code valid}: no padding;</li>
 *   <li>{@code custom}: {@code pad = [before_0, after_0, before_1, after_1]}, i.e.
 *       {@code [top, bottom, left, right]} for 2-D (not ONNX's [top, left, bottom, right]);</li>
 *   <li>{@code same}: total {@code max(0, (ceil(in/s) - 1) * s + k_eff - in)}, the odd pixel at the
 *       end (the NN backend lowers it to SamePadding BOTTOM_RIGHT_HEAVY);</li>
 *   <li>{@code same_lower} (iOS16+): the same total, the odd pixel at the start.</li>
 * </ul>
 */
final class MilPadding {
    private MilPadding() {}

    /** Pads per spatial axis as {@code [before_0, after_0, before_1, after_1, ...]}. */
    static int[] resolve(MilOpContext c, String padType, int[] in, int[] kEff, int[] strides) {
        int n = in.length;
        int[] pads = new int[2 * n];
        switch (padType) {
            case "valid" -> { }
            case "custom" -> {
                int[] p = c.intsParam("pad", new int[2 * n]);
                if (p.length != 2 * n) throw c.fail("pad needs " + 2 * n + " values, got " + p.length);
                for (int v : p) if (v < 0) throw c.fail("pad values must be >= 0");
                System.arraycopy(p, 0, pads, 0, 2 * n);
            }
            case "same", "same_lower" -> {
                if (padType.equals("same_lower") && c.ios() < 16) throw c.fail("pad_type same_lower needs iOS16 (CoreML6)");
                for (int d = 0; d < n; d++) {
                    int out = (in[d] + strides[d] - 1) / strides[d];
                    int total = Math.max(0, (out - 1) * strides[d] + kEff[d] - in[d]);
                    int small = total / 2;
                    pads[2 * d] = padType.equals("same") ? small : total - small;
                    pads[2 * d + 1] = total - pads[2 * d];
                }
            }
            default -> throw c.fail("unknown pad_type '" + padType + "' (valid, same, custom, same_lower)");
        }
        return pads;
    }
}
