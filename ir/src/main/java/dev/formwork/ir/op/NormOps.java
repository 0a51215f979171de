package dev.formwork.ir.op;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import java.util.List;

/** Inference-mode normalisations. */
public final class NormOps {
    private NormOps() {}

    static List<OpDef> all() {
        return List.of(new BatchNorm(), new LayerNorm());
    }

    /**
     * y = (x - mean) / sqrt(var + eps) * scale + bias over channel axis 1, with running
     * statistics. Inputs: x, scale, bias, mean, var (each [C]).
     */
    static final class BatchNorm extends OpDef {
        BatchNorm() {
            super("BatchNorm", "inference BatchNorm over axis 1: inputs x, scale, bias, mean, var");
            inputs(5);
            attr("epsilon", AttrType.FLOAT, 1e-5, "added to the variance");
            Layouts.declare(this);
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = Layouts.toNchw(node, in.get(0).shape());
            if (x.rank() < 2) throw error(node, "input needs a channel axis, got " + x);
            for (int i = 1; i < 5; i++) {
                if (!in.get(i).shape().equals(Shape.of(x.dim(1)))) {
                    throw error(node, "parameter " + i + " has shape " + in.get(i).shape() + ", expected [" + x.dim(1) + "]");
                }
            }
            return one(in.get(0));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            NdArray xin = Layouts.inNchw(node, in[0]);
            int[] s = xin.shape();
            int c = s[1];
            int inner = (int) (NdArray.numel(s) / s[0] / c);
            float[] x = xin.data(), y = new float[x.length];
            float[] scale = new float[c], shift = new float[c];
            double eps = node.d("epsilon");
            for (int i = 0; i < c; i++) {
                double inv = 1.0 / Math.sqrt(in[4].data()[i] + eps);
                scale[i] = (float) (in[1].data()[i] * inv);
                shift[i] = (float) (in[2].data()[i] - in[3].data()[i] * in[1].data()[i] * inv);
            }
            Parallel.forRange(s[0] * c, 8, (lo, hi) -> {
                for (int bc = lo; bc < hi; bc++) {
                    int ch = bc % c, off = bc * inner;
                    float a = scale[ch], b = shift[ch];
                    for (int j = 0; j < inner; j++) y[off + j] = x[off + j] * a + b;
                }
            });
            return new NdArray[] {Layouts.outOfNchw(node, NdArray.of(s, y))};
        }
    }

    /**
     * Normalises over the trailing axes from {@code axis} on, then applies scale and bias shaped
     * like those axes. Inputs: x, scale, bias.
     */
    static final class LayerNorm extends OpDef {
        LayerNorm() {
            super("LayerNorm", "layer normalisation over the trailing axes from `axis`: inputs x, scale, bias");
            inputs(3);
            attr("axis", AttrType.INT, -1L, "first normalised axis");
            attr("epsilon", AttrType.FLOAT, 1e-5, "added to the variance");
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = in.get(0).shape();
            int axis = axis(node, x, node.i("axis"));
            long inner = x.product(axis, x.rank());
            for (int i = 1; i < 3; i++) {
                if (in.get(i).shape().numel() != inner) {
                    throw error(node, "parameter " + i + " has shape " + in.get(i).shape() + ", normalised size is " + inner);
                }
            }
            return one(in.get(0));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            Shape xs = in[0].shapeObj();
            int axis = xs.axis((int) node.i("axis"));
            int inner = (int) xs.product(axis, xs.rank());
            int outer = (int) (xs.numel() / inner);
            float[] x = in[0].data(), g = in[1].data(), b = in[2].data(), y = new float[x.length];
            double eps = node.d("epsilon");
            Parallel.forRange(outer, 16, (lo, hi) -> {
                for (int o = lo; o < hi; o++) {
                    int off = o * inner;
                    double mean = 0;
                    for (int j = 0; j < inner; j++) mean += x[off + j];
                    mean /= inner;
                    double var = 0;
                    for (int j = 0; j < inner; j++) {
                        double d = x[off + j] - mean;
                        var += d * d;
                    }
                    var /= inner;
                    double inv = 1.0 / Math.sqrt(var + eps);
                    for (int j = 0; j < inner; j++) y[off + j] = (float) ((x[off + j] - mean) * inv) * g[j] + b[j];
                }
            });
            return new NdArray[] {NdArray.of(xs.toArray(), y)};
        }
    }
}
