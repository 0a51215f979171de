package dev.formwork.exporters;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;

/**
 * An inference BatchNorm left by the passes (V2's final norm) as the per-channel affine map
 * x * scale + shift, for targets that write it as a Mul and an Add: scale = gamma / sqrt(var + eps),
 * shift = beta - mean * scale, computed in double, shaped to broadcast over the layout's channel
 * axis ([C] for NHWC and [B,C], [C,1,1] for NCHW).
 */
public record BatchNormAffine(Shape shape, Tensor scale, Tensor shift) {
    /** The affine map of BatchNorm node {@code n}, whose parameters are constants. */
    public static BatchNormAffine of(Node n) {
        Value x = n.input(0);
        int rank = x.shape().rank();
        boolean nhwc = rank == 4 && "NHWC".equals(n.s("layout"));
        int c = nhwc ? x.shape().dim(3) : x.shape().dim(1);
        double eps = n.d("epsilon");
        float[] scale = new float[c], shift = new float[c];
        Tensor g = n.input(1).constant(), b = n.input(2).constant(), m = n.input(3).constant(), v = n.input(4).constant();
        for (int i = 0; i < c; i++) {
            double s = g.getFloat(i) / Math.sqrt(v.getFloat(i) + eps);
            scale[i] = (float) s;
            shift[i] = (float) (b.getFloat(i) - m.getFloat(i) * s);
        }
        int[] dims = new int[nhwc || rank <= 2 ? 1 : rank - 1];
        java.util.Arrays.fill(dims, 1);
        dims[0] = c;
        Shape cs = Shape.of(dims);
        return new BatchNormAffine(cs, Tensor.ofFloats(cs, scale), Tensor.ofFloats(cs, shift));
    }
}
