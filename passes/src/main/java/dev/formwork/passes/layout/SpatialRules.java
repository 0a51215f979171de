package dev.formwork.passes.layout;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
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
     * A 2-D MaxPool runs NHWC like AveragePool. A 1-D one over [N,C,L] is the 2-D pool of
     * [N,C,1,L] with a 1-row window (the padding is on L only, so the extra row adds nothing): its
     * input is asked for channels-last [N,L,C] (free when it already is), viewed as NHWC
     * [N,1,L,C] by a reshape, pooled, and viewed back, so the output stays channels-last. A 3-D
     * one has no NHWC form and stays in its logical layout (the exporters then refuse it by name).
     */
    static void maxPool(Node n, LayoutContext cx) {
        int rank = n.input(0).shape().rank();
        if (rank == 4) nhwcOnly(n, cx);
        else if (rank == 3) maxPool1d(n, cx);
        else LayoutRule.logical(n, cx);
    }

    private static final int[] CHANNELS_LAST = {0, 2, 1};

    private static void maxPool1d(Node n, LayoutContext cx) {
        Shape x = n.input(0).shape(), y = n.output().shape();
        Value nlc = cx.as(n.input(0), CHANNELS_LAST, n.name());
        Value rows = cx.emit("Reshape", n.name() + "/as2d", Attributes.of("shape", new int[] {x.dim(0), 1, x.dim(2), x.dim(1)}), nlc);
        Attributes a = Attributes.of("kernel", new int[] {1, (int) n.ints("kernel")[0]}, LAYOUT, "NHWC");
        long[] s = n.ints("strides"), p = n.ints("pads"), d = n.ints("dilations");
        if (s.length > 0) a = a.with("strides", new int[] {1, (int) s[0]});
        if (p.length > 0) a = a.with("pads", new int[] {0, (int) p[0], 0, (int) p[1]});
        if (d.length > 0) a = a.with("dilations", new int[] {1, (int) d[0]});
        Value pooled = cx.emit("MaxPool", n.name() + "/pool2d", a, rows);
        Value back = cx.emit("Reshape", n.name(), Attributes.of("shape", new int[] {y.dim(0), y.dim(2), y.dim(1)}), pooled);
        cx.define(n.output(), back, CHANNELS_LAST);
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
