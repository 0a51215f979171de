package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;

/**
 * Nodes whose inputs are all constants (a Gather of attention biases or a Constant the passes
 * did not fold) are evaluated at export with the op's reference kernel and written as a constant.
 * A Gather over computed data has no place in these models and is refused.
 */
final class ConstantFolding implements OpLowering {
    @Override
    public void check(Node n, ExportOptions options) {
        if (!foldable(n)) throw LoweringContext.refuse(n, "only Gather/Constant over constants are written (folded at export)");
    }

    static boolean foldable(Node n) {
        for (Value v : n.inputs()) if (!v.isConstant()) return false;
        return true;
    }

    @Override
    public void lower(Node n, LoweringContext cx) {
        check(n, cx.options);
        fold(n, cx);
    }

    static void fold(Node n, LoweringContext cx) {
        NdArray[] args = new NdArray[n.inputCount()];
        for (int i = 0; i < args.length; i++) args[i] = NdArray.fromTensor(n.input(i).constant());
        NdArray[] res = n.op().compute(n, args);
        for (int i = 0; i < res.length; i++) {
            Value out = n.output(i);
            Tensor t = res[i].toTensor();
            cx.bind(out, cx.constant(out.name(), t.dtype() == out.dtype() ? t : t.cast(out.dtype())));
        }
    }
}
