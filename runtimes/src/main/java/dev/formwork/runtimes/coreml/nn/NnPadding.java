package dev.formwork.runtimes.coreml.nn;

import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.BorderAmounts;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.SamePadding;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ValidPadding;

/**
 * NN convolution / pooling padding (NeuralNetwork.proto ValidPadding, SamePadding, BorderAmounts):
 * {@code valid.paddingAmounts.borderAmounts} is {@code [H, W]}, each with startEdgeSize (top /
 * left) and endEdgeSize (bottom / right); {@code same} pads so that {@code out = ceil(in/stride)}
 * with total {@code max(0, (out-1)*stride + kernel - in)} (kernel dilated), split
 * BOTTOM_RIGHT_HEAVY ({@code top = floor(total/2)}) or TOP_LEFT_HEAVY ({@code bottom = floor(total/2)}).
 */
final class NnPadding {
    private NnPadding() {}

    /** {top, bottom, left, right} from explicit amounts. */
    static int[] valid(NnLayerContext c, ValidPadding v) {
        if (!v.hasPaddingAmounts() || v.getPaddingAmounts().getBorderAmountsCount() == 0) return new int[4];
        BorderAmounts b = v.getPaddingAmounts();
        if (b.getBorderAmountsCount() != 2) throw c.fail("paddingAmounts.borderAmounts must have 2 entries [H, W], got " + b.getBorderAmountsCount());
        return new int[] {
            Math.toIntExact(b.getBorderAmounts(0).getStartEdgeSize()), Math.toIntExact(b.getBorderAmounts(0).getEndEdgeSize()),
            Math.toIntExact(b.getBorderAmounts(1).getStartEdgeSize()), Math.toIntExact(b.getBorderAmounts(1).getEndEdgeSize())
        };
    }

    /** {top, bottom, left, right} for same padding of an [h, w] input. */
    static int[] same(SamePadding s, int h, int w, int kh, int kw, int sh, int sw) {
        int th = Math.max(0, ((h + sh - 1) / sh - 1) * sh + kh - h);
        int tw = Math.max(0, ((w + sw - 1) / sw - 1) * sw + kw - w);
        boolean topLeft = s.getAsymmetryMode() == SamePadding.SamePaddingMode.TOP_LEFT_HEAVY;
        int top = topLeft ? th - th / 2 : th / 2, left = topLeft ? tw - tw / 2 : tw / 2;
        return new int[] {top, th - top, left, tw - left};
    }

    /** A two-value [H, W] parameter with its default. */
    static int[] pair(NnLayerContext c, java.util.List<Long> v, int dflt, String what) {
        if (v.isEmpty()) return new int[] {dflt, dflt};
        if (v.size() != 2) throw c.fail(what + " must have 2 values [H, W], got " + v.size());
        return new int[] {Math.toIntExact(v.get(0)), Math.toIntExact(v.get(1))};
    }
}
