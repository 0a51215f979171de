package dev.formwork.exporters.tflite;

import dev.formwork.exporters.BatchNormAffine;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ReducerOptions;

/** Normalisations, which TFLite has no builtin for. */
final class NormLowering {
    private NormLowering() {}

    /** BatchNorm left by the passes -> MUL by scale, ADD shift, per channel ({@link BatchNormAffine}). */
    static final class BatchNorm implements OpLowering {
        @Override
        public void check(Node n, ExportOptions options) {
            for (int i = 1; i < 5; i++) if (!n.input(i).isConstant()) throw LoweringContext.refuse(n, "parameters must be constants");
        }

        @Override
        public void lower(Node n, LoweringContext cx) {
            Value x = n.input(0);
            BatchNormAffine a = BatchNormAffine.of(n);
            Shape cs = a.shape();
            int ts = cx.constant(n.name() + "/scale", a.scale()), tb = cx.constant(n.name() + "/shift", a.shift());
            int mid = cx.intermediate(n.name() + "/scaled", x.shape());
            ElementwiseLowering.binary(cx, "Mul", cx.tensor(x), ts, mid, x.shape(), cs);
            ElementwiseLowering.binary(cx, "Add", mid, tb, cx.tensor(n.output()), x.shape(), cs);
        }
    }

    /**
     * LayerNorm over the trailing axes -> mean = MEAN(x), d = x - mean, var = MEAN(d * d),
     * y = d * RSQRT(var + eps) * gamma + beta: the same two-pass formula as the reference.
     */
    static final class LayerNorm implements OpLowering {
        @Override
        public void check(Node n, ExportOptions options) {
            if (!n.input(1).isConstant() || !n.input(2).isConstant()) throw LoweringContext.refuse(n, "scale and bias must be constants");
        }

        @Override
        public void lower(Node n, LoweringContext cx) {
            Value x = n.input(0);
            Shape s = x.shape();
            int axis = s.axis((int) n.i("axis"));
            int[] axes = new int[s.rank() - axis];
            for (int i = 0; i < axes.length; i++) axes[i] = axis + i;
            Shape inner = Shape.of(java.util.Arrays.copyOfRange(s.toArray(), axis, s.rank()));
            Shape kept = s;
            for (int a : axes) kept = kept.withDim(a, 1);
            String p = n.name();
            int axesT = cx.int32(p + "/axes", axes);
            int mean = cx.intermediate(p + "/mean", kept), d = cx.intermediate(p + "/centered", s), sq = cx.intermediate(p + "/squared", s);
            int var = cx.intermediate(p + "/var", kept), ve = cx.intermediate(p + "/var_eps", kept), rs = cx.intermediate(p + "/rstd", kept);
            int nrm = cx.intermediate(p + "/normalized", s), sc = cx.intermediate(p + "/scaled", s);
            mean(cx, cx.tensor(x), axesT, mean);
            ElementwiseLowering.binary(cx, "Sub", cx.tensor(x), mean, d, s, kept);
            ElementwiseLowering.binary(cx, "Mul", d, d, sq, s, s);
            mean(cx, sq, axesT, var);
            int eps = cx.constant(p + "/epsilon", ElementwiseLowering.scalar((float) n.d("epsilon")));
            ElementwiseLowering.binary(cx, "Add", var, eps, ve, kept, Shape.SCALAR);
            cx.op(BuiltinOperator.RSQRT, new int[] {ve}, new int[] {rs});
            ElementwiseLowering.binary(cx, "Mul", d, rs, nrm, s, kept);
            int gamma = cx.constant(n.input(1).name(), n.input(1).constant().reshape(inner));
            int beta = cx.constant(n.input(2).name(), n.input(2).constant().reshape(inner));
            ElementwiseLowering.binary(cx, "Mul", nrm, gamma, sc, s, inner);
            ElementwiseLowering.binary(cx, "Add", sc, beta, cx.tensor(n.output()), s, inner);
        }
    }

    static void mean(LoweringContext cx, int in, int axes, int out) {
        cx.op(BuiltinOperator.MEAN, 1, new int[] {in, axes}, new int[] {out}, BuiltinOptions.ReducerOptions,
                b -> ReducerOptions.createReducerOptions(b, true));
    }
}
