package dev.formwork.exporters.savedmodel;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;

/** Matrix products: the adjoint flags read transposed operands in place, so no Transpose is written for them. */
final class MatMulWriters {
    private MatMulWriters() {}

    /**
     * MatMul -> BatchMatMulV2 (NumPy batch broadcasting, like the IR's). An operand produced by a
     * last-two-axes Transpose that only MatMuls read (the layout pass's adj marker, e.g.
     * attention's K^T) is read untransposed with adj_x / adj_y set; that Transpose writes nothing
     * (see {@link ShapeWriters.Transpose}).
     */
    static final class MatMul implements OpWriter {
        @Override
        public void write(Node n, TfGraph g) {
            Value a = n.input(0), b = n.input(1);
            boolean adjX = marker(a, g), adjY = marker(b, g);
            String ta = g.tensor(adjX ? a.producer().input(0) : a), tb = g.tensor(adjY ? b.producer().input(0) : b);
            g.emit(n, "BatchMatMulV2", TfAttrs.floatT().b("adj_x", adjX).b("adj_y", adjY), ta, tb);
        }

        private static boolean marker(Value v, TfGraph g) {
            return v.producer() != null && g.isAdjMarker(v.producer());
        }
    }

    /**
     * Linear -> MatMul with transpose_b on [B,C] or BatchMatMulV2 with adj_y on tokens [B,N,C]
     * (a rank-2 right operand broadcasts over the batch), reading the PyTorch [out, in] weight as
     * it is stored; then BiasAdd.
     */
    static final class Linear implements OpWriter {
        @Override
        public void check(Node n, ExportOptions options) {
            if (!n.input(1).isConstant()) throw TfGraph.refuse(n, "the weight must be a constant");
            if (n.input(0).shape().rank() < 2) throw TfGraph.refuse(n, "input of rank " + n.input(0).shape().rank());
        }

        @Override
        public void write(Node n, TfGraph g) {
            String x = g.tensor(n.input(0)), w = g.tensor(n.input(1));
            boolean matrix = n.input(0).shape().rank() == 2;
            String mm = matrix
                    ? g.op("MatMul", n.name() + "/matmul", TfAttrs.floatT().b("transpose_a", false).b("transpose_b", true), x, w)
                    : g.op("BatchMatMulV2", n.name() + "/matmul", TfAttrs.floatT().b("adj_x", false).b("adj_y", true), x, w);
            g.shape(mm, n.output().shape());
            if (n.inputCount() > 2) g.emit(n, "BiasAdd", TfAttrs.floatT().s("data_format", "NHWC"), mm, g.tensor(n.input(2)));
            else g.bind(n.output(), mm);
        }
    }
}
