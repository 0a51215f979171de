package dev.formwork.exporters.savedmodel;

import dev.formwork.exporters.BatchNormAffine;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;

/** Normalisations as their arithmetic (what is left after the passes fold them into neighbours). */
final class NormWriters {
    private NormWriters() {}

    /** BatchNorm left by the passes -> Mul by scale, AddV2 shift, per channel ({@link BatchNormAffine}). */
    static final class BatchNorm implements OpWriter {
        @Override
        public void check(Node n, ExportOptions options) {
            for (int i = 1; i < 5; i++) if (!n.input(i).isConstant()) throw TfGraph.refuse(n, "parameters must be constants");
        }

        @Override
        public void write(Node n, TfGraph g) {
            Value x = n.input(0);
            BatchNormAffine a = BatchNormAffine.of(n);
            String ts = g.constant(n.name() + "/scale", a.scale()), tb = g.constant(n.name() + "/shift", a.shift());
            String scaled = ElementwiseWriters.binary(g, "Mul", n.name() + "/scaled", g.tensor(x), ts);
            g.emit(n, "AddV2", TfAttrs.floatT(), scaled, tb);
        }
    }

    /**
     * LayerNorm over the trailing axes -> mean = Mean(x), d = x - mean, var = Mean(d * d),
     * y = d * Rsqrt(var + eps) * gamma + beta: the same two-pass formula as the reference.
     */
    static final class LayerNorm implements OpWriter {
        @Override
        public void check(Node n, ExportOptions options) {
            if (!n.input(1).isConstant() || !n.input(2).isConstant()) throw TfGraph.refuse(n, "scale and bias must be constants");
        }

        @Override
        public void write(Node n, TfGraph g) {
            Value x = n.input(0);
            Shape s = x.shape();
            int axis = s.axis((int) n.i("axis"));
            int[] axes = new int[s.rank() - axis];
            for (int i = 0; i < axes.length; i++) axes[i] = axis + i;
            Shape inner = Shape.of(java.util.Arrays.copyOfRange(s.toArray(), axis, s.rank()));
            String p = n.name(), in = g.tensor(x);
            String axesT = g.int32(p + "/axes", axes);
            String mean = ReduceWriters.mean(g, p + "/mean", in, axesT, true);
            String d = ElementwiseWriters.binary(g, "Sub", p + "/centered", in, mean);
            String sq = ElementwiseWriters.binary(g, "Mul", p + "/squared", d, d);
            String var = ReduceWriters.mean(g, p + "/var", sq, axesT, true);
            String ve = ElementwiseWriters.binary(g, "Add", p + "/var_eps", var, g.scalar(p + "/epsilon", (float) n.d("epsilon")));
            String rs = g.op("Rsqrt", p + "/rstd", TfAttrs.floatT(), ve);
            String nrm = ElementwiseWriters.binary(g, "Mul", p + "/normalized", d, rs);
            String gamma = g.constant(n.input(1).name(), n.input(1).constant().reshape(inner));
            String beta = g.constant(n.input(2).name(), n.input(2).constant().reshape(inner));
            String sc = ElementwiseWriters.binary(g, "Mul", p + "/scaled", nrm, gamma);
            g.emit(n, "AddV2", TfAttrs.floatT(), sc, beta);
        }
    }
}
