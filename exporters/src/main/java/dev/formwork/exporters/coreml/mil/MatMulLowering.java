package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * Linear and MatMul. {@code linear} takes the PyTorch weight [out, in] as it is, but only a
 * constant weight and an input of rank 1..3; any other Linear is {@code matmul(x, W,
 * transpose_y=true)} plus an {@code add} of the bias.
 */
final class MatMulLowering {
    private MatMulLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("Linear", MatMulLowering::linear);
        t.put("MatMul", MatMulLowering::matmul);
    }

    static void linear(Node n, MilContext c) {
        DataType t = c.computeType(n);
        int rank = n.input(0).shape().rank();
        boolean constBias = n.inputCount() < 3 || n.input(2).isConstant();
        int[] out = MilLowerings.shape(n.output());
        if (n.input(1).isConstant() && constBias && rank >= 1 && rank <= 3) {
            MilOp op = c.op("linear", n).in("x", c.input(n, 0, t)).in("weight", c.input(n, 1, t));
            if (n.inputCount() > 2) {
                op.in("bias", c.input(n, 2, t));
            } else {
                int dout = n.input(1).shape().dim(0);
                op.in("bias", c.constant(n, "bias", Tensor.ofFloats(Shape.of(dout), new float[dout]), t, new int[] {dout}));
            }
            c.bind(n, 0, op.emit(t, out));
            return;
        }
        MilOp mm = n.inputCount() > 2 ? c.block().op("matmul", n.name() + "_matmul") : c.op("matmul", n);
        mm.in("x", c.input(n, 0, t)).in("y", c.input(n, 1, t)).bool("transpose_x", false).bool("transpose_y", true);
        MilVar y = mm.emit(t, out);
        if (n.inputCount() > 2) {
            y = c.op("add", n).in("x", y).in("y", c.input(n, 2, t)).emit(t, out);
        }
        c.bind(n, 0, y);
    }

    static void matmul(Node n, MilContext c) {
        DataType t = c.computeType(n);
        MilOp op = c.op("matmul", n).in("x", c.input(n, 0, t)).in("y", c.input(n, 1, t))
                .bool("transpose_x", false).bool("transpose_y", false);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
