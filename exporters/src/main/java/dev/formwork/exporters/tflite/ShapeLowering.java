package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ConcatenationOptions;
import org.tensorflow.lite.schema.ReshapeOptions;
import org.tensorflow.lite.schema.SpaceToDepthOptions;
import org.tensorflow.lite.schema.SplitVOptions;
import org.tensorflow.lite.schema.StridedSliceOptions;
import org.tensorflow.lite.schema.TransposeOptions;

/** Ops that move data without arithmetic. */
final class ShapeLowering {
    private ShapeLowering() {}

    /** RESHAPE with the target both as an int32 input tensor and as new_shape. */
    static void reshape(LoweringContext cx, int in, int out, Shape target, String name) {
        int[] dims = target.toArray();
        int shape = cx.int32(name + "/shape", dims);
        cx.op(BuiltinOperator.RESHAPE, 1, new int[] {in, shape}, new int[] {out}, BuiltinOptions.ReshapeOptions,
                b -> ReshapeOptions.createReshapeOptions(b, ReshapeOptions.createNewShapeVector(b, dims)));
    }

    static final class Reshape implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            reshape(cx, cx.tensor(n.input(0)), cx.tensor(n.output()), n.output().shape(), n.name());
        }
    }

    /** TRANSPOSE; the layout pass's BATCH_MATMUL adj markers write nothing (their MatMul sets adj_x/adj_y). */
    static final class Transpose implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            if (cx.isAdjMarker(n)) return;
            int rank = n.input(0).shape().rank();
            cx.op(BuiltinOperator.TRANSPOSE, OpVersions.transpose(rank), new int[] {cx.tensor(n.input(0)), cx.int32(n.name() + "/perm", n.intArray("perm"))},
                    new int[] {cx.tensor(n.output())}, BuiltinOptions.TransposeOptions, b -> {
                        TransposeOptions.startTransposeOptions(b);
                        return TransposeOptions.endTransposeOptions(b);
                    });
        }
    }

    /** Split -> SPLIT_V (size_splits int32, axis an int32 scalar). */
    static final class Split implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            Shape x = n.input(0).shape();
            int axis = x.axis((int) n.i("axis"));
            int[] sizes = n.intArray("split");
            int[] outs = new int[n.outputs().size()];
            for (int i = 0; i < outs.length; i++) outs[i] = cx.tensor(n.output(i));
            int count = outs.length;
            cx.op(BuiltinOperator.SPLIT_V, 1, new int[] {cx.tensor(n.input(0)), cx.int32(n.name() + "/sizes", sizes),
                    cx.int32(n.name() + "/axis", Shape.SCALAR, axis)}, outs, BuiltinOptions.SplitVOptions,
                    b -> SplitVOptions.createSplitVOptions(b, count));
        }
    }

    /** Slice -> STRIDED_SLICE with begin/end/strides over every axis (positive steps). */
    static final class Slice implements OpLowering {
        @Override
        public void check(Node n, ExportOptions options) {
            for (long s : n.ints("steps")) if (s <= 0) throw LoweringContext.refuse(n, "negative slice steps are not written");
        }

        @Override
        public void lower(Node n, LoweringContext cx) {
            Shape x = n.input(0).shape();
            int r = x.rank();
            int[] begin = new int[r], end = x.toArray(), stride = new int[r];
            java.util.Arrays.fill(stride, 1);
            long[] axes = n.ints("axes"), starts = n.ints("starts"), ends = n.ints("ends"), steps = n.ints("steps");
            for (int i = 0; i < axes.length; i++) {
                int a = x.axis((int) axes[i]);
                long step = steps.length == 0 ? 1 : steps[i];
                long st = starts[i] < 0 ? starts[i] + x.dim(a) : starts[i], en = ends[i] < 0 ? ends[i] + x.dim(a) : ends[i];
                st = Math.max(0, Math.min(st, x.dim(a)));
                en = Math.max(0, Math.min(en, x.dim(a)));
                begin[a] = (int) st;
                end[a] = (int) Math.max(st, en);
                stride[a] = (int) step;
            }
            String p = n.name();
            cx.op(BuiltinOperator.STRIDED_SLICE, OpVersions.rankBeyond4(BuiltinOperator.STRIDED_SLICE, r),
                    new int[] {cx.tensor(n.input(0)), cx.int32(p + "/begin", begin), cx.int32(p + "/end", end), cx.int32(p + "/strides", stride)},
                    new int[] {cx.tensor(n.output())}, BuiltinOptions.StridedSliceOptions,
                    b -> StridedSliceOptions.createStridedSliceOptions(b, 0, 0, 0, 0, 0, false));
        }
    }

    static final class Concat implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            int[] ins = new int[n.inputCount()];
            for (int i = 0; i < ins.length; i++) ins[i] = cx.tensor(n.input(i));
            int axis = n.output().shape().axis((int) n.i("axis"));
            cx.op(BuiltinOperator.CONCATENATION, 1, ins, new int[] {cx.tensor(n.output())}, BuiltinOptions.ConcatenationOptions,
                    b -> ConcatenationOptions.createConcatenationOptions(b, axis, ActivationFunctionType.NONE));
        }
    }

    /** SpaceToDepth (NHWC) -> SPACE_TO_DEPTH: both use channel (by*bs + bx)*C + c. */
    static final class SpaceToDepth implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            Layout.requireNhwc(n);
            int bs = (int) n.i("blocksize");
            cx.op(BuiltinOperator.SPACE_TO_DEPTH, 1, new int[] {cx.tensor(n.input(0))}, new int[] {cx.tensor(n.output())},
                    BuiltinOptions.SpaceToDepthOptions, b -> SpaceToDepthOptions.createSpaceToDepthOptions(b, bs));
        }
    }

}
