package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.Map;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.AddOptions;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.DivOptions;
import org.tensorflow.lite.schema.MulOptions;
import org.tensorflow.lite.schema.SubOptions;

/** Binary and unary elementwise ops: one TFLite builtin each; broadcasting is the same as NumPy's. */
final class ElementwiseLowering {
    private ElementwiseLowering() {}

    static final Map<String, Integer> BINARY = Map.of("Add", BuiltinOperator.ADD, "Sub", BuiltinOperator.SUB,
            "Mul", BuiltinOperator.MUL, "Div", BuiltinOperator.DIV, "Pow", BuiltinOperator.POW);
    /** HardSwish is ONNX's x * clamp(x/6 + 1/2, 0, 1), which is TFLite's x * relu6(x + 3) / 6. */
    static final Map<String, Integer> UNARY = Map.of("Relu", BuiltinOperator.RELU, "Tanh", BuiltinOperator.TANH,
            "Sigmoid", BuiltinOperator.LOGISTIC, "Sqrt", BuiltinOperator.SQRT, "Exp", BuiltinOperator.EXP,
            "HardSwish", BuiltinOperator.HARD_SWISH);

    static final class Binary implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            binary(cx, n.opType(), cx.tensor(n.input(0)), cx.tensor(n.input(1)), cx.tensor(n.output()),
                    n.input(0).shape(), n.input(1).shape());
        }
    }

    /** Appends one binary op; versions follow op_version.cc (SUB/DIV bump when broadcasting above rank 4). */
    static void binary(LoweringContext cx, String op, int a, int b, int out, Shape sa, Shape sb) {
        int code = BINARY.get(op);
        int version = OpVersions.broadcastBinary(code, !sa.equals(sb), Math.max(sa.rank(), sb.rank()));
        int[] ins = {a, b}, outs = {out};
        switch (op) {
            case "Add" -> cx.op(code, version, ins, outs, BuiltinOptions.AddOptions,
                    f -> AddOptions.createAddOptions(f, ActivationFunctionType.NONE, false));
            case "Sub" -> cx.op(code, version, ins, outs, BuiltinOptions.SubOptions,
                    f -> SubOptions.createSubOptions(f, ActivationFunctionType.NONE, false));
            case "Mul" -> cx.op(code, version, ins, outs, BuiltinOptions.MulOptions,
                    f -> MulOptions.createMulOptions(f, ActivationFunctionType.NONE));
            case "Div" -> cx.op(code, version, ins, outs, BuiltinOptions.DivOptions,
                    f -> DivOptions.createDivOptions(f, ActivationFunctionType.NONE));
            default -> cx.op(code, version, ins, outs, (byte) 0, null);
        }
    }

    static final class Unary implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            cx.op(UNARY.get(n.opType()), new int[] {cx.tensor(n.input(0))}, new int[] {cx.tensor(n.output())});
        }
    }

    /** Identity moves nothing: its output names its input's tensor (a RESHAPE when that is a graph input). */
    static final class Identity implements OpLowering {
        @Override
        public void lower(Node n, LoweringContext cx) {
            Value x = n.input(0);
            if (x.producer() != null && !cx.graph.outputs().contains(n.output())) {
                cx.bind(n.output(), cx.tensor(x));
                return;
            }
            ShapeLowering.reshape(cx, cx.tensor(x), cx.tensor(n.output()), n.output().shape(), n.name());
        }
    }

    /** TFLite has no ERF builtin; GELU should reach the writer whole. */
    static final class Erf implements OpLowering {
        @Override
        public void check(Node n, ExportOptions options) {
            throw LoweringContext.refuse(n, "there is no ERF builtin; keep GELU native (the tflite profile has it) or use --gelu tanh");
        }

        @Override
        public void lower(Node n, LoweringContext cx) {
            check(n, cx.options);
        }
    }

    static Tensor scalar(float v) {
        return Tensor.ofFloats(Shape.SCALAR, v);
    }
}
