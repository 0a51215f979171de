package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BatchMatMulOptions;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.FullyConnectedOptions;
import org.tensorflow.lite.schema.FullyConnectedOptionsWeightsFormat;

/** Matrix products. */
final class MatMulLowering {
    private MatMulLowering() {}

    /**
     * MatMul -> BATCH_MATMUL. An operand produced by a last-two-axes Transpose that only MatMuls
     * read (the layout pass's adj marker, e.g. attention's K^T) is read untransposed with
     * adj_x / adj_y set instead; that Transpose writes nothing (see {@link ShapeLowering}).
     */
    static final class MatMul implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            Value a = n.input(0), b = n.input(1);
            boolean adjX = marker(a, cx), adjY = marker(b, cx);
            int ta = cx.tensor(adjX ? a.producer().input(0) : a), tb = cx.tensor(adjY ? b.producer().input(0) : b);
            cx.op(BuiltinOperator.BATCH_MATMUL, 1, new int[] {ta, tb}, new int[] {cx.tensor(n.output())},
                    BuiltinOptions.BatchMatMulOptions, f -> BatchMatMulOptions.createBatchMatMulOptions(f, adjX, adjY, false));
        }

        private static boolean marker(Value v, LoweringContext cx) {
            return v.producer() != null && cx.isAdjMarker(v.producer());
        }
    }

    /**
     * Linear -> FULLY_CONNECTED with the PyTorch [out, in] weight as it is. On tokens [B,N,C]
     * keep_num_dims=true keeps [B,N,Cout] (version 5); a missing bias is written as zeros rather
     * than omitted, which would need version 6.
     */
    static final class Linear implements OpLowering {
        @Override
        public void check(Node n, ExportOptions options) {
            if (!n.input(1).isConstant()) throw LoweringContext.refuse(n, "the weight must be a constant");
            if (n.input(0).shape().rank() < 2) throw LoweringContext.refuse(n, "input of rank " + n.input(0).shape().rank());
        }

        @Override
        public void lower(Node n, LoweringContext cx) {
            int out = n.input(1).shape().dim(0);
            int bias = n.inputCount() > 2 ? cx.tensor(n.input(2)) : cx.constant(n.name() + "/zero_bias", Tensor.ofFloats(Shape.of(out), new float[out]));
            boolean keep = n.input(0).shape().rank() > 2;
            cx.op(BuiltinOperator.FULLY_CONNECTED, keep ? OpVersions.FC_KEEP_DIMS : 1,
                    new int[] {cx.tensor(n.input(0)), cx.tensor(n.input(1)), bias}, new int[] {cx.tensor(n.output())},
                    BuiltinOptions.FullyConnectedOptions, f -> FullyConnectedOptions.createFullyConnectedOptions(f,
                            ActivationFunctionType.NONE, FullyConnectedOptionsWeightsFormat.DEFAULT, keep, false));
        }
    }
}
