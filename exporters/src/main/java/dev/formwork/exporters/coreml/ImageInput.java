package dev.formwork.exporters.coreml;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * ImageNet normalisation for an image input, split the way Core ML can express it exactly.
 *
 * <p>Core ML's image preprocessing is {@code pixel * scale + bias[c]} with one scale for all
 * channels, so it carries {@code x / 255 - mean[c]}; the per-channel {@code 1 / std[c]} is
 * folded into the weights of the convolution(s) reading the input: {@code W[o, c] / std[c]}.
 * That is exact, including at the border, because the zero padding of a per-channel scaled
 * input is still zero. If anything other than a convolution with constant weights reads the
 * input, a per-channel multiply is inserted instead.
 */
public final class ImageInput {
    private ImageInput() {}

    /** The preprocessing scale: pixel values 0..255 to 0..1. */
    public static final float SCALE = 1f / 255f;

    /** Per-channel preprocessing biases (R, G, B): {@code -mean}. */
    public static float[] bias(CoreMlSettings s) {
        return new float[] {-s.mean()[0], -s.mean()[1], -s.mean()[2]};
    }

    /** Rewrites {@code g} (a prepared copy) so that its input may be {@code x/255 - mean}. */
    public static void foldStd(Graph g, float[] std) {
        Value in = g.input(0);
        List<Node> users = in.userNodes();
        boolean allConvs = !users.isEmpty();
        for (Node u : users) allConvs &= foldableConv(u, in);
        if (g.outputs().contains(in)) allConvs = false;
        if (allConvs) {
            for (Node conv : users) {
                Value w = conv.input(1);
                Value scaled = g.addConstant(w.name() + "_div_std", divideInputChannels(w.constant(), conv, std));
                g.setInput(conv, 1, scaled);
            }
        } else {
            float[] inv = {1f / std[0], 1f / std[1], 1f / std[2]};
            Value k = g.addConstant(in.name() + "_inv_std", Tensor.ofFloats(Shape.of(1, 3, 1, 1), inv));
            List<Value.Use> uses = new ArrayList<>(in.users());
            Node mul = g.add("Mul", g.uniqueNodeName(in.name() + "_div_std"), List.of(in, k), Attributes.EMPTY);
            for (Value.Use u : uses) g.setInput(u.node(), u.index(), mul.output());
        }
        g.removeUnusedConstants();
    }

    private static boolean foldableConv(Node n, Value in) {
        if (!n.is("Conv") || !n.input(1).isConstant()) return false;
        for (int i = 1; i < n.inputCount(); i++) if (n.input(i) == in) return false;
        return !"NHWC".equals(n.attributes().get("layout"));
    }

    /** W[o, ci, :, :] / std[c] where c is the input channel ci of o's group. */
    static Tensor divideInputChannels(Tensor w, Node conv, float[] std) {
        int[] s = w.shape().toArray();
        int groups = (int) conv.i("groups");
        int cout = s[0], cpg = s[1], k = s[2] * s[3];
        int outPerGroup = cout / groups;
        float[] src = w.toFloatArray(), dst = new float[src.length];
        for (int o = 0; o < cout; o++) {
            int g = o / outPerGroup;
            for (int ci = 0; ci < cpg; ci++) {
                double d = std[g * cpg + ci];
                int base = (o * cpg + ci) * k;
                for (int j = 0; j < k; j++) dst[base + j] = (float) (src[base + j] / d);
            }
        }
        return Tensor.ofFloats(w.shape(), dst);
    }
}
