package dev.formwork.exporters.tflite;

import dev.formwork.ir.Node;
import dev.formwork.ir.op.ReduceOps;
import dev.formwork.ir.Shape;
import java.util.Map;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ReducerOptions;
import org.tensorflow.lite.schema.SoftmaxOptions;

/** Reductions over axes. */
final class ReduceLowering {
    private ReduceLowering() {}

    static final Map<String, Integer> REDUCE = Map.of("ReduceMean", BuiltinOperator.MEAN, "ReduceSum", BuiltinOperator.SUM,
            "ReduceMax", BuiltinOperator.REDUCE_MAX);

    /**
     * ReduceMean -> MEAN, ReduceSum -> SUM, ReduceMax -> REDUCE_MAX: the axes (non-negative,
     * sorted) as an int32 constant tensor, keepdims as keep_dims (the global pools: [1,2] on NHWC
     * maps, [1] on tokens).
     */
    static final class Reduce implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            int[] axes = ReduceOps.reducedAxes(n);
            boolean keep = n.i("keepdims") != 0;
            cx.op(REDUCE.get(n.opType()), 1, new int[] {cx.tensor(n.input(0)), cx.int32(n.name() + "/axes", axes)},
                    new int[] {cx.tensor(n.output())}, BuiltinOptions.ReducerOptions, b -> ReducerOptions.createReducerOptions(b, keep));
        }
    }

    /**
     * Softmax -> SOFTMAX over the last axis (the only one TFLite normalises; the layout pass puts
     * the softmax axis last), with beta written as 1.0: the schema default 0.0 would give uniform
     * outputs.
     */
    static final class Softmax implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            Shape x = n.input(0).shape();
            if (x.axis((int) n.i("axis")) != x.rank() - 1) {
                throw LoweringContext.refuse(n, "softmax over axis " + n.i("axis") + " of " + x + "; SOFTMAX normalises the last axis");
            }
            cx.op(BuiltinOperator.SOFTMAX, 1, new int[] {cx.tensor(n.input(0))}, new int[] {cx.tensor(n.output())},
                    BuiltinOptions.SoftmaxOptions, b -> SoftmaxOptions.createSoftmaxOptions(b, 1.0f));
        }
    }
}
