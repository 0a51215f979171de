package dev.formwork.passes;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * The arithmetic shared by the folding passes: a per-feature affine map y*mul + add moved into
 * the weights of the Conv / Linear / BatchNorm that computes y, or an affine map x*s + t on the
 * input side moved into an unpadded Conv or a Linear that reads x. Sums run in double; each new
 * tensor is rounded to float32 once.
 */
final class Folding {
    private Folding() {}

    /** The axis of a 4-D tensor that holds channels for this node's layout attribute (1 otherwise). */
    static int channelAxis(Node n, int rank) {
        return rank == 4 && n.op().attribute("layout") != null && "NHWC".equals(n.s("layout")) ? 3 : 1;
    }

    /** Output axis that indexes the node's per-feature weights: Conv channels, Linear's last axis, BN channels; -1 otherwise. */
    static int featureAxis(Node p) {
        if (p.outputs().size() != 1) return -1;
        int rank = p.output().shape().rank();
        if (p.is("Conv") || p.is("BatchNorm")) return channelAxis(p, rank);
        if (p.is("Linear")) return rank - 1;
        return -1;
    }

    /** "x.weight" -> "x.bias" (the checkpoint key a missing bias would have had). */
    static String biasKey(Rewriter rw, Value weight) {
        String k = rw.keyOf(weight);
        return (k.endsWith(".weight") ? k.substring(0, k.length() - 7) : k) + ".bias";
    }

    /**
     * Makes p compute y[f]*mul[f] + add[f] instead of y[f] for every output feature f (add may be
     * null). Conv/Linear: weight rows and bias; BatchNorm: its scale and bias. False (and nothing
     * changed) when the parameters are not float32 constants.
     */
    static boolean foldOutput(Rewriter rw, Node p, double[] mul, double[] add) {
        if (p.is("BatchNorm")) {
            Tensor gamma = p.input(1).constant(), beta = p.input(2).constant();
            if (!Weights.isF32(gamma) || !Weights.isF32(beta)) return false;
            FloatBuffer gv = Weights.view(gamma), bv = Weights.view(beta);
            rw.setWeight(p, 1, Weights.build(gamma.shape(), f -> gv.get(f) * mul[f]));
            rw.setWeight(p, 2, Weights.build(beta.shape(), f -> bv.get(f) * mul[f] + (add == null ? 0 : add[f])));
            return true;
        }
        Tensor w = p.input(1).constant();
        Tensor b = p.inputCount() > 2 ? p.input(2).constant() : null;
        if (!Weights.isF32(w) || (p.inputCount() > 2 && !Weights.isF32(b))) return false;
        int out = w.shape().dim(0);
        FloatBuffer bv = b == null ? null : Weights.view(b);
        Tensor b2 = Weights.build(Shape.of(out), o -> (bv == null ? 0 : bv.get(o)) * mul[o] + (add == null ? 0 : add[o]));
        rw.setWeight(p, 1, Weights.scaleRows(w, mul));
        setBias(rw, p, b2);
        return true;
    }

    /** Conv/Linear: gives p bias b, rebuilding it with a bias input when it had none. */
    static void setBias(Rewriter rw, Node p, Tensor b) {
        if (p.inputCount() > 2) {
            rw.setWeight(p, 2, b);
        } else {
            Value bc = rw.stagedConstant(biasKey(rw, p.input(1)), b, false);
            rw.rebuild(p, p.opType(), List.of(p.input(0), p.input(1), bc), p.attributes());
        }
    }

    /** True when x*s+t on the input of this Conv/Linear (data slot 0) can move into its weights exactly. */
    static boolean canAbsorbInput(Node c, int slot, Value x, int axis) {
        if (slot != 0 || !Weights.isF32(c.input(1).constant())) return false;
        if (c.inputCount() > 2 && !Weights.isF32(c.input(2).constant())) return false;
        if (c.is("Linear")) return x.shape().rank() == 2 && axis == 1;
        if (!c.is("Conv") || x.shape().rank() != 4 || axis != 1 || channelAxis(c, 4) != 1) return false;
        for (long pad : c.ints("pads")) if (pad != 0) return false; // padded zeros would not see the affine map
        return true;
    }

    /**
     * True when a pure per-channel scale x*s (no shift) on this Conv/Linear's input can move into
     * its weights: any padding is fine, because padded zeros scale to zeros.
     */
    static boolean canAbsorbInputScale(Node c, int slot, Value x, int axis) {
        if (slot != 0 || !Weights.isF32(c.input(1).constant())) return false;
        if (c.is("Linear")) return axis == x.shape().rank() - 1;
        return c.is("Conv") && x.shape().rank() == 4 && axis == 1 && channelAxis(c, 4) == 1;
    }

    /**
     * c(x*s + t) = c'(x): W'[o,i,..] = W[o,i,..]*s[ch(i)], b'[o] = b[o] + sum_i W[o,i,..]*t[ch(i)],
     * where ch(i) is the input channel that weight column reads (grouped convs: per group). With
     * t null (a pure scale) the bias stays as it is.
     */
    static void absorbInput(Rewriter rw, Node c, double[] s, double[] t) {
        Tensor w = c.input(1).constant();
        Tensor b = c.inputCount() > 2 ? c.input(2).constant() : null;
        Shape ws = w.shape();
        int out = ws.dim(0), row = Math.toIntExact(w.numel() / out);
        int spatial = c.is("Conv") ? ws.dim(2) * ws.dim(3) : 1;
        int inPerGroup = ws.dim(1);
        int outPerGroup = c.is("Conv") ? out / (int) c.i("groups") : out;
        FloatBuffer wv = Weights.view(w);
        double[] bias = t == null ? null : new double[out];
        for (int o = 0; t != null && o < out; o++) {
            double acc = b == null ? 0 : b.getFloat(o);
            int base = (o / outPerGroup) * inPerGroup;
            for (int j = 0; j < row; j++) acc += wv.get(o * row + j) * t[base + j / spatial];
            bias[o] = acc;
        }
        rw.setWeight(c, 1, Weights.scale(w, out, row, (o, j) -> s[(o / outPerGroup) * inPerGroup + j / spatial]));
        if (bias != null) setBias(rw, c, Weights.build(Shape.of(out), o -> bias[o]));
    }
}
