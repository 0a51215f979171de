package dev.formwork.passes.layout;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;

/**
 * A 1x1 convolution on a tensor that is not laid out NHWC, computed where it stands.
 *
 * <p>The case that matters is EfficientFormerV2's talking heads: 1x1 convolutions mixing the 8
 * heads of the [B,8,N,N] score tensor, between a matmul that produces heads-first scores, a
 * softmax over the last axis and a matmul that consumes heads-first probabilities. Treating the
 * scores as an 8-channel image would mean NHWC [B,N,N,8] and four transposes per block (into
 * NHWC, back for the last-axis softmax, into NHWC again, back for the matmul). Instead the mix
 * is written as what it is, out[b,o,:] = W[o,:] . x[b,:,:] + bias[o]: the channel axis is made
 * the middle of a 3-D view (a reshape, no data moves), a matrix product with the constant
 * [O,C] weight on the left, the bias added as [O,1], and the view undone. When the channel
 * axis is physically last, it is a Linear instead.
 */
final class ChannelMix {
    private ChannelMix() {}

    static void rewrite(Node n, LayoutContext cx) {
        Value x = n.input(0);
        LayoutContext.Laid in = cx.laid(x);
        Shape phys = in.value().shape();
        int c = Perm.inverse(in.perm())[1];
        Tensor w4 = cx.constant(n.input(1));
        int o = w4.shape().dim(0), cin = w4.shape().dim(1);
        Value w = weight2d(n, cx, w4, o, cin);
        Value bias = n.inputCount() > 2 ? n.input(2) : null;
        Shape outPhys = phys.withDim(c, o);
        Value y;
        if (c == phys.rank() - 1) {
            y = bias == null ? cx.emit("Linear", n.name(), Attributes.EMPTY, in.value(), w)
                    : cx.emit("Linear", n.name(), Attributes.EMPTY, in.value(), w, cx.constantAs(bias, Perm.identity(1)));
        } else {
            int outer = (int) phys.product(0, c), inner = (int) phys.product(c + 1, phys.rank());
            Value v3 = cx.emit("Reshape", n.name() + "/channels_mid", Attributes.of("shape", new int[] {outer, cin, inner}), in.value());
            Value mixed = cx.emit("MatMul", n.name() + "/mix", Attributes.EMPTY, w, v3);
            if (bias != null) {
                Tensor b = cx.constant(bias);
                Value b2 = cx.dst.addConstant(bias.name() + "/column", b.reshape(Shape.of(o, 1)));
                mixed = cx.emit("Add", n.name() + "/bias", Attributes.EMPTY, mixed, b2);
            }
            y = cx.emit("Reshape", n.name(), Attributes.of("shape", outPhys.toArray()), mixed);
        }
        cx.define(n.output(), y, in.perm());
    }

    private static Value weight2d(Node n, LayoutContext cx, Tensor w4, int o, int cin) {
        return cx.dst.addConstant(n.input(1).name() + "/matrix", w4.reshape(Shape.of(o, cin)));
    }
}
