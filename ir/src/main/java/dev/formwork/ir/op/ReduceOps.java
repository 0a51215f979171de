package dev.formwork.ir.op;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import java.util.ArrayList;
import java.util.List;

/** Reductions along axes: ReduceMean, ReduceSum, ReduceMax and Softmax. */
public final class ReduceOps {
    private ReduceOps() {}

    static List<OpDef> all() {
        return List.of(new ReduceMean(), new Reduce("ReduceSum", "sum over axes"), new Reduce("ReduceMax", "maximum over axes"), new Softmax());
    }

    /** A reduction node's axes as exporters write them: non-negative and ascending. */
    public static int[] reducedAxes(Node node) {
        Shape x = node.input(0).shape();
        long[] axes = node.ints("axes");
        int[] a = new int[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = x.axis((int) axes[i]);
        java.util.Arrays.sort(a);
        return a;
    }

    static boolean[] axisMask(Node node, Shape x, long[] axes) {
        boolean[] m = new boolean[x.rank()];
        for (long a : axes) m[OpDef.axis(node, x, a)] = true;
        return m;
    }

    /** Mean over {@code axes}; keepdims 1 keeps them as size 1 (ONNX default). */
    static class ReduceMean extends OpDef {
        ReduceMean() {
            this("ReduceMean", "mean over axes");
        }

        ReduceMean(String name, String summary) {
            super(name, summary);
            inputs(1);
            attr("axes", AttrType.INTS, null, "axes to reduce (negative counts from the end)");
            attr("keepdims", AttrType.INT, 1L, "1 keeps reduced axes as size 1");
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = in.get(0).shape();
            boolean[] m = axisMask(node, x, node.ints("axes"));
            boolean keep = node.i("keepdims") != 0;
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < x.rank(); i++) {
                if (!m[i]) out.add(x.dim(i));
                else if (keep) out.add(1);
            }
            return one(new ValueType(in.get(0).dtype(), Shape.of(out.stream().mapToInt(Integer::intValue).toArray())));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            Shape x = in[0].shapeObj();
            boolean[] m = axisMask(node, x, node.ints("axes"));
            int rank = x.rank();
            // Output index for each input element: strides over non-reduced axes.
            int[] outDims = new int[rank];
            for (int i = 0; i < rank; i++) outDims[i] = m[i] ? 1 : x.dim(i);
            int outSize = (int) NdArray.numel(outDims);
            int count = (int) (x.numel() / outSize);
            boolean isMax = name().equals("ReduceMax");
            double[] acc = new double[outSize];
            if (isMax) java.util.Arrays.fill(acc, Double.NEGATIVE_INFINITY);
            float[] a = in[0].data();
            int[] idx = new int[rank];
            int[] ostr = new int[rank];
            int s = 1;
            for (int i = rank - 1; i >= 0; i--) {
                ostr[i] = m[i] ? 0 : s;
                s *= outDims[i];
            }
            for (int e = 0; e < a.length; e++) {
                int o = 0;
                for (int d = 0; d < rank; d++) o += idx[d] * ostr[d];
                if (!isMax) acc[o] += a[e];
                else if (a[e] != a[e]) acc[o] = Double.NaN;
                else if (a[e] > acc[o]) acc[o] = a[e]; // false once acc is NaN, so NaN sticks
                for (int d = rank - 1; d >= 0; d--) {
                    if (++idx[d] < x.dim(d)) break;
                    idx[d] = 0;
                }
            }
            float[] r = new float[outSize];
            double div = name().equals("ReduceMean") ? count : 1;
            for (int i = 0; i < outSize; i++) r[i] = (float) (acc[i] / div);
            int[] shape = node.i("keepdims") != 0 ? outDims : infer(node, List.of(new ValueType(in[0].dtype(), x))).get(0).shape().toArray();
            return new NdArray[] {NdArray.of(shape, r)};
        }
    }

    /** ReduceSum (float64 accumulation, like ReduceMean) and ReduceMax (NaN propagates): same axes and keepdims. */
    static final class Reduce extends ReduceMean {
        Reduce(String name, String summary) {
            super(name, summary);
        }
    }

    /** Softmax along one axis, computed stably (max subtracted). */
    static final class Softmax extends OpDef {
        Softmax() {
            super("Softmax", "softmax along axis");
            inputs(1);
            attr("axis", AttrType.INT, -1L, "normalised axis");
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            axis(node, in.get(0).shape(), node.i("axis"));
            return one(in.get(0));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            Shape x = in[0].shapeObj();
            int axis = x.axis((int) node.i("axis"));
            int n = x.dim(axis);
            int inner = (int) x.product(axis + 1, x.rank());
            int outer = (int) x.product(0, axis);
            float[] a = in[0].data(), r = new float[a.length];
            Parallel.forRange(outer * inner, 64, (lo, hi) -> {
                for (int t = lo; t < hi; t++) {
                    int o = t / inner, i = t % inner;
                    int base = o * n * inner + i;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) max = Math.max(max, a[base + j * inner]);
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        float e = (float) Math.exp(a[base + j * inner] - max);
                        r[base + j * inner] = e;
                        sum += e;
                    }
                    float inv = (float) (1.0 / sum);
                    for (int j = 0; j < n; j++) r[base + j * inner] *= inv;
                }
            });
            return new NdArray[] {NdArray.of(x.toArray(), r)};
        }
    }
}
