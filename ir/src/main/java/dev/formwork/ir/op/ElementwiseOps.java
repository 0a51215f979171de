package dev.formwork.ir.op;

import dev.formwork.ir.DType;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import dev.formwork.ir.kernels.Broadcast;
import dev.formwork.ir.kernels.MathFns;
import java.util.List;

/** Unary and binary elementwise ops with NumPy broadcasting. */
public final class ElementwiseOps {
    private ElementwiseOps() {}

    static List<OpDef> all() {
        return List.of(
                new Binary("Add", "x + y", Float::sum),
                new Binary("Sub", "x - y", (x, y) -> x - y),
                new Binary("Mul", "x * y", (x, y) -> x * y),
                new Binary("Div", "x / y", (x, y) -> x / y),
                new Binary("Pow", "x ^ y", (x, y) -> (float) Math.pow(x, y)),
                new Unary("Relu", "max(x, 0)", x -> x > 0 || x != x ? x : 0f), // NaN propagates, as in PyTorch/ONNX
                new Gelu(),
                new Unary("Erf", "Gauss error function", x -> (float) MathFns.erf(x)),
                new Unary("Tanh", "hyperbolic tangent", x -> (float) Math.tanh(x)),
                new Unary("Sigmoid", "1 / (1 + exp(-x))", MathFns::sigmoid),
                new Unary("Sqrt", "square root", x -> (float) Math.sqrt(x)),
                new Unary("Exp", "e^x", x -> (float) Math.exp(x)),
                // ONNX's definition: x * max(0, min(1, alpha x + beta)), alpha = 1/6, beta = 0.5
                new Unary("HardSwish", "x * clamp(x / 6 + 0.5, 0, 1)", x -> x * Math.max(0f, Math.min(1f, x * (1f / 6f) + 0.5f))),
                new Unary("Identity", "x", x -> x));
    }

    /** The float function of a unary op. */
    interface Fn {
        float apply(float x);
    }

    static NdArray map(NdArray x, Fn f) {
        float[] a = x.data();
        float[] r = new float[a.length];
        Parallel.forRange(a.length, 1 << 13, (lo, hi) -> {
            for (int i = lo; i < hi; i++) r[i] = f.apply(a[i]);
        });
        return NdArray.of(x.shape(), r);
    }

    static class Unary extends OpDef {
        private final Fn fn;

        Unary(String name, String summary, Fn fn) {
            super(name, summary);
            inputs(1);
            this.fn = fn;
        }

        Fn fn(Node node) {
            return fn;
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            if (in.get(0).dtype() != DType.FLOAT32 && in.get(0).dtype() != DType.FLOAT16) {
                throw error(node, "needs a float input, got " + in.get(0));
            }
            return one(in.get(0));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            return new NdArray[] {map(in[0], fn(node))};
        }
    }

    /** GELU; {@code approximate} is none (erf, exact), tanh, or sigmoid (x * sigmoid(1.702 x)). */
    static final class Gelu extends Unary {
        Gelu() {
            super("Gelu", "Gaussian error linear unit", MathFns::geluExact);
            attr("approximate", AttrType.STRING, "none", "none = exact erf form; tanh; sigmoid = x*sigmoid(1.702x)");
        }

        @Override
        Fn fn(Node node) {
            return switch (node.s("approximate")) {
                case "none" -> MathFns::geluExact;
                case "tanh" -> MathFns::geluTanh;
                case "sigmoid" -> MathFns::geluSigmoid;
                default -> throw error(node, "unknown approximate=" + node.s("approximate"));
            };
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            fn(node);
            return super.infer(node, in);
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            if (node.s("approximate").equals("none")) {
                return new NdArray[] {NdArray.of(in[0].shape(), dev.formwork.ir.kernels.Activations.geluExact(in[0].data()))};
            }
            return super.compute(node, in);
        }
    }

    static final class Binary extends OpDef {
        private final Broadcast.FloatOp fn;

        Binary(String name, String summary, Broadcast.FloatOp fn) {
            super(name, summary + " with NumPy broadcasting");
            inputs(2);
            this.fn = fn;
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            ValueType a = in.get(0), b = in.get(1);
            if (a.dtype() != b.dtype()) throw error(node, "operand types differ: " + a + " and " + b);
            int[] s = Broadcast.shape(a.shape().toArray(), b.shape().toArray());
            if (s == null) throw error(node, "cannot broadcast " + a.shape() + " with " + b.shape());
            return one(new ValueType(a.dtype(), Shape.of(s)));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            return new NdArray[] {Broadcast.apply(in[0], in[1], fn)};
        }
    }
}
