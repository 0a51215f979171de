package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rewrite-patch-stem}: a non-overlapping patchify convolution (kernel == stride == p > 1,
 * no padding, dilation 1, groups 1, NCHW, H and W divisible by p) becomes SpaceToDepth(p) and a
 * 1x1 convolution. Output pixel (i, j) of the conv reads exactly the p x p block at (i*p, j*p):
 * y[o] = b[o] + sum_{c,ky,kx} W[o,c,ky,kx] x[c, i*p+ky, j*p+kx]. SpaceToDepth (ONNX/TF order)
 * puts x[c, i*p+ky, j*p+kx] at channel (ky*p + kx)*C + c of pixel (i, j), so the 1x1 weight is
 * W'[o, (ky*p+kx)*C + c] = W[o, c, ky, kx] and the sum is the same sum, reordered. (PyTorch's
 * pixel_unshuffle orders c*p*p + ky*p + kx; this pass follows the IR op.)
 *
 * <p>Why: large-kernel strided convs are slow or unsupported on some mobile delegates, while
 * SpaceToDepth plus a 1x1 conv (a GEMM) is fast everywhere.
 */
public final class RewritePatchStem implements Pass {
    @Override
    public String name() {
        return "rewrite-patch-stem";
    }

    @Override
    public String purpose() {
        return "turns a kernel==stride patchify Conv into SpaceToDepth + 1x1 Conv with reordered weights";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        if (!ctx.supports("SpaceToDepth")) return PassResult.unchanged("target " + ctx.profile().target() + " has no SpaceToDepth");
        Rewriter rw = new Rewriter(g);
        for (Node n : List.copyOf(g.nodes())) {
            if (rw.live(n) && n.is("Conv") && rewrite(rw, n)) rw.rewrote();
        }
        return rw.finish(rw.rewrites() + " patchify convs rewritten");
    }

    static boolean isPatchify(Node n) {
        int[] k = {n.input(1).shape().dim(2), n.input(1).shape().dim(3)};
        int[] s = n.intArray("strides"), d = n.intArray("dilations");
        int p = k[0];
        if (p <= 1 || k[1] != p || s[0] != p || s[1] != p || d[0] != 1 || d[1] != 1 || n.i("groups") != 1) return false;
        for (long pad : n.ints("pads")) if (pad != 0) return false;
        Shape x = n.input(0).shape();
        return Folding.channelAxis(n, 4) == 1 && x.dim(2) % p == 0 && x.dim(3) % p == 0;
    }

    private static boolean rewrite(Rewriter rw, Node conv) {
        Tensor w = conv.input(1).constant();
        if (!Weights.isF32(w) || !isPatchify(conv)) return false;
        int o = w.shape().dim(0), c = w.shape().dim(1), p = w.shape().dim(2);
        FloatBuffer wv = Weights.view(w);
        int cin = c * p * p;
        // W'[oo, (ky*p+kx)*C + cc] = W[oo, cc, ky, kx]
        Tensor w2 = Weights.build(Shape.of(o, cin, 1, 1), i -> {
            int oo = i / cin, r = i % cin, blk = r / c, cc = r % c;
            return wv.get(((oo * c + cc) * p + blk / p) * p + blk % p);
        });
        Value s2d = rw.apply("SpaceToDepth", conv.name() + ".space_to_depth", Attributes.of("blocksize", p), conv.input(0));
        Value wc = rw.stagedConstant(rw.keyOf(conv.input(1)), w2, conv.input(1).isBuffer());
        List<Value> ins = new ArrayList<>(List.of(s2d, wc));
        if (conv.inputCount() > 2) ins.add(conv.input(2));
        Attributes a = conv.attributes().without("strides").without("pads").without("dilations").without("groups");
        rw.rebuild(conv, "Conv", ins, a);
        return true;
    }
}
