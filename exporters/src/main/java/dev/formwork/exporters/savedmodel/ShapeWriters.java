package dev.formwork.exporters.savedmodel;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.proto.tensorflow.SavedModelProto.DataType;

/** Ops that move data without arithmetic; shapes, axes and bounds are int32 Const inputs. */
final class ShapeWriters {
    private ShapeWriters() {}

    static String reshape(TfGraph g, String name, String in, Shape target) {
        return g.op("Reshape", name, TfAttrs.floatT().type("Tshape", DataType.DT_INT32), in, g.int32(name + "/shape", target.toArray()));
    }

    static final class Reshape implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            g.bind(n.output(), reshape(g, n.name(), g.tensor(n.input(0)), n.output().shape()));
        }
    }

    /** Transpose; the layout pass's adj markers write nothing (their MatMul sets adj_x / adj_y). */
    static final class Transpose implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            if (g.isAdjMarker(n)) return;
            g.emit(n, "Transpose", TfAttrs.floatT().type("Tperm", DataType.DT_INT32), g.tensor(n.input(0)), g.int32(n.name() + "/perm", n.intArray("perm")));
        }
    }

    /** Split -> SplitV (int32 size_splits, int32 scalar axis); output k is "name:k". */
    static final class Split implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            Shape x = n.input(0).shape();
            int axis = x.axis((int) n.i("axis"));
            int count = n.outputs().size();
            String s = g.op("SplitV", n.name(), TfAttrs.floatT().type("Tlen", DataType.DT_INT32).i("num_split", count), g.tensor(n.input(0)),
                    g.int32(n.name() + "/sizes", n.intArray("split")), g.int32(n.name() + "/axis", Shape.SCALAR, axis));
            for (int i = 0; i < count; i++) g.bind(n.output(i), i == 0 ? s : s + ":" + i);
        }
    }

    /** Slice -> StridedSlice with begin/end/strides over every axis (positive steps, no masks). */
    static final class Slice implements OpWriter {
        @Override
        public void check(Node n, ExportOptions options) {
            for (long s : n.ints("steps")) if (s <= 0) throw TfGraph.refuse(n, "negative slice steps are not written");
        }

        @Override
        public void write(Node n, TfGraph g) {
            Shape x = n.input(0).shape();
            int r = x.rank();
            int[] begin = new int[r], end = x.toArray(), stride = new int[r];
            java.util.Arrays.fill(stride, 1);
            long[] axes = n.ints("axes"), starts = n.ints("starts"), ends = n.ints("ends"), steps = n.ints("steps");
            for (int i = 0; i < axes.length; i++) {
                int a = x.axis((int) axes[i]);
                long st = starts[i] < 0 ? starts[i] + x.dim(a) : starts[i], en = ends[i] < 0 ? ends[i] + x.dim(a) : ends[i];
                st = Math.max(0, Math.min(st, x.dim(a)));
                en = Math.max(0, Math.min(en, x.dim(a)));
                begin[a] = (int) st;
                end[a] = (int) Math.max(st, en);
                stride[a] = (int) (steps.length == 0 ? 1 : steps[i]);
            }
            String p = n.name();
            TfAttrs a = TfAttrs.floatT().type("Index", DataType.DT_INT32).i("begin_mask", 0).i("end_mask", 0)
                    .i("ellipsis_mask", 0).i("new_axis_mask", 0).i("shrink_axis_mask", 0);
            g.emit(n, "StridedSlice", a, g.tensor(n.input(0)), g.int32(p + "/begin", begin), g.int32(p + "/end", end), g.int32(p + "/strides", stride));
        }
    }

    /** Concat -> ConcatV2 (the axis is the last input). */
    static final class Concat implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            String[] ins = new String[n.inputCount() + 1];
            for (int i = 0; i < n.inputCount(); i++) ins[i] = g.tensor(n.input(i));
            int axis = n.output().shape().axis((int) n.i("axis"));
            ins[n.inputCount()] = g.int32(n.name() + "/axis", Shape.SCALAR, axis);
            g.emit(n, "ConcatV2", TfAttrs.floatT().type("Tidx", DataType.DT_INT32).i("N", n.inputCount()), ins);
        }
    }

    /** SpaceToDepth (NHWC) -> SpaceToDepth: both use channel (by*bs + bx)*C + c. */
    static final class SpaceToDepth implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            Padding.requireNhwc(n);
            g.emit(n, "SpaceToDepth", TfAttrs.floatT().i("block_size", n.i("blocksize")).s("data_format", "NHWC"), g.tensor(n.input(0)));
        }
    }
}
