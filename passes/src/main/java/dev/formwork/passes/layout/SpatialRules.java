package dev.formwork.passes.layout;

import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.Arrays;

/**
 * Ops that read H and W run NHWC: the input is brought to NHWC (free when it already is, which
 * after the stem is always), the op gets {@code layout = "NHWC"}, the output is NHWC. Weights
 * keep their checkpoint layout; the exporter re-lays them as its format wants.
 */
final class SpatialRules {
    private static final String LAYOUT = "layout";

    private SpatialRules() {}

    static void nhwcOnly(Node n, LayoutContext cx) {
        Value[] ins = new Value[n.inputCount()];
        ins[0] = cx.as(n.input(0), Perm.NHWC, n.name());
        for (int i = 1; i < ins.length; i++) ins[i] = cx.as(n.input(i), Perm.identity(n.input(i).shape().rank()), n.name());
        cx.define(n.output(), cx.emit(n.opType(), n.name(), n.attributes().with(LAYOUT, "NHWC"), ins), Perm.NHWC);
    }

    /**
     * A 2-D MaxPool runs NHWC like AveragePool; a 1-D or 3-D one has no NHWC form and stays in its
     * logical layout (the exporters then refuse it by name).
     */
    static void maxPool(Node n, LayoutContext cx) {
        if (n.input(0).shape().rank() == 4) nhwcOnly(n, cx);
        else LayoutRule.logical(n, cx);
    }

    /**
     * A 1x1 convolution is a channel mix that works in whatever layout its input already has: NHWC
     * maps stay a Conv; anything else (the V2 talking heads on heads-first scores) becomes a
     * matrix product over the channel axis in place, see {@link ChannelMix}. Every other Conv is
     * spatial.
     */
    static void conv(Node n, LayoutContext cx) {
        Value x = n.input(0);
        if (ImageValues.isPointwise(n) && !cx.isConstant(x) && constantWeights(n, cx)) {
            int[] p = cx.perm(x);
            boolean wantsNhwc = Arrays.equals(cx.preferred(x), Perm.NHWC);
            if (!Arrays.equals(p, Perm.NHWC) && !wantsNhwc) {
                ChannelMix.rewrite(n, cx);
                return;
            }
        }
        nhwcOnly(n, cx);
    }

    private static boolean constantWeights(Node n, LayoutContext cx) {
        for (int i = 1; i < n.inputCount(); i++) if (!cx.isConstant(n.input(i))) return false;
        return true;
    }

    /**
     * BatchNorm is per channel, so it follows its input: NHWC maps get {@code layout = NHWC}; a
     * 4-D tensor kept in logical order (not a feature map) stays NCHW; other ranks need the
     * channel on axis 1, i.e. the logical order.
     */
    static void batchNorm(Node n, LayoutContext cx) {
        Value x = n.input(0);
        int rank = x.shape().rank();
        boolean nhwc = rank == 4 && (Arrays.equals(cx.perm(x), Perm.NHWC) || Arrays.equals(cx.preferred(x), Perm.NHWC));
        int[] layout = nhwc ? Perm.NHWC : Perm.identity(rank);
        Value[] ins = new Value[5];
        ins[0] = cx.as(x, layout, n.name());
        for (int i = 1; i < 5; i++) ins[i] = cx.as(n.input(i), Perm.identity(1), n.name());
        var attrs = nhwc ? n.attributes().with(LAYOUT, "NHWC") : n.attributes();
        cx.define(n.output(), cx.emit("BatchNorm", n.name(), attrs, ins), layout);
    }
}
