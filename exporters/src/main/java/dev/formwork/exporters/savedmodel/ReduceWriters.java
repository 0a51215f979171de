package dev.formwork.exporters.savedmodel;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.op.ReduceOps;
import dev.formwork.ir.Shape;
import dev.formwork.proto.tensorflow.SavedModelProto.DataType;
import java.util.Map;

/** Reductions, softmax and resampling. */
final class ReduceWriters {
    private ReduceWriters() {}

    static final Map<String, String> REDUCE = Map.of("ReduceMean", "Mean", "ReduceSum", "Sum", "ReduceMax", "Max");

    static String mean(TfGraph g, String name, String in, String axes, boolean keep) {
        return reduce(g, "Mean", name, in, axes, keep);
    }

    private static String reduce(TfGraph g, String op, String name, String in, String axes, boolean keep) {
        return g.op(op, name, TfAttrs.floatT().type("Tidx", DataType.DT_INT32).b("keep_dims", keep), in, axes);
    }

    /**
     * ReduceMean -> Mean, ReduceSum -> Sum, ReduceMax -> Max: the axes (non-negative, sorted) as
     * the int32 reduction_indices constant, keepdims as keep_dims (the global pools: [1,2] on NHWC
     * maps, [1] on tokens).
     */
    static final class Reduce implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            int[] axes = ReduceOps.reducedAxes(n);
            String m = reduce(g, REDUCE.get(n.opType()), n.name(), g.tensor(n.input(0)), g.int32(n.name() + "/axes", axes), n.i("keepdims") != 0);
            g.bind(n.output(), m);
        }
    }

    /** Softmax -> Softmax, which normalises the last axis (the layout pass keeps the softmax axis last). */
    static final class Softmax implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            Shape x = n.input(0).shape();
            if (x.axis((int) n.i("axis")) != x.rank() - 1) {
                throw TfGraph.refuse(n, "softmax over axis " + n.i("axis") + " of " + x + "; Softmax normalises the last axis");
            }
            g.emit(n, "Softmax", TfAttrs.floatT(), g.tensor(n.input(0)));
        }
    }

    /**
     * Resize (bilinear, half-pixel, NHWC) -> ResizeBilinear with half_pixel_centers=true and
     * align_corners=false (PyTorch's align_corners=False). TensorFlow takes the output size, so the
     * IR's scale must give whole output sizes.
     */
    static final class Resize implements OpWriter {
        @Override
        public void check(Node n, ExportOptions options) {
            double[] sc = n.floats("scales");
            Shape x = n.input(0).shape();
            boolean nhwc = "NHWC".equals(n.s("layout"));
            int h = nhwc ? x.dim(1) : x.dim(2), w = nhwc ? x.dim(2) : x.dim(3);
            if (h * sc[0] != Math.floor(h * sc[0]) || w * sc[1] != Math.floor(w * sc[1])) {
                throw TfGraph.refuse(n, "scales " + java.util.Arrays.toString(sc) + " do not give whole output sizes; ResizeBilinear takes sizes");
            }
        }

        @Override
        public void write(Node n, TfGraph g) {
            Padding.requireNhwc(n);
            Shape y = n.output().shape();
            String size = g.int32(n.name() + "/size", y.dim(1), y.dim(2));
            g.emit(n, "ResizeBilinear", TfAttrs.floatT().b("align_corners", false).b("half_pixel_centers", true), g.tensor(n.input(0)), size);
        }
    }
}
