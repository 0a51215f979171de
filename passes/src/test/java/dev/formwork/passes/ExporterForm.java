package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.List;

/**
 * Rewrites a zoo graph into the form torch.onnx (torch 1.13, opset 13) exports the same model in,
 * so that the recovery passes can be tested on whole networks: Gelu as the Div/Erf/Add/Mul/Mul
 * chain, LayerNorm as ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add, Linear as MatMul by
 * the transposed weight then Add(bias, product), and a BatchNorm right after a Conv as a
 * per-channel Mul and Add (torch folds those into the conv; some exporters write this). The
 * rewritten graph computes the same function up to float32 rounding.
 */
public final class ExporterForm {
    private ExporterForm() {}

    public static Graph of(Graph zoo) {
        Graph g = zoo.copy();
        int k = 0;
        for (Node n : List.copyOf(g.nodes())) {
            String p = n.name() + "/";
            Value y = switch (n.opType()) {
                case "Gelu" -> gelu(g, p, n.input(0));
                case "LayerNorm" -> layerNorm(g, p, n);
                case "Linear" -> linear(g, p, n, k++);
                case "BatchNorm" -> n.input(0).producer() != null && n.input(0).producer().is("Conv") ? batchNorm(g, p, n) : null;
                default -> null;
            };
            if (y == null) continue;
            g.replaceAllUses(n.output(), y);
            g.remove(n);
        }
        g.removeUnusedConstants();
        return g;
    }

    private static Value scalar(Graph g, String name, double v) {
        return g.addConstant(name, Tensor.scalar((float) v));
    }

    private static Value gelu(Graph g, String p, Value x) {
        Value e = g.apply("Erf", p + "Erf", g.apply("Div", p + "Div", x, scalar(g, p + "Constant", Math.sqrt(2))));
        Value m = g.apply("Mul", p + "Mul", x, g.apply("Add", p + "Add", e, scalar(g, p + "Constant_1", 1)));
        return g.apply("Mul", p + "Mul_1", m, scalar(g, p + "Constant_2", 0.5));
    }

    private static Value layerNorm(Graph g, String p, Node n) {
        Value x = n.input(0);
        Attributes last = Attributes.of("axes", new long[] {-1});
        Value d = g.apply("Sub", p + "Sub", x, g.apply("ReduceMean", p + "ReduceMean", last, x));
        Value v = g.apply("ReduceMean", p + "ReduceMean_1", last, g.apply("Pow", p + "Pow", d, scalar(g, p + "Constant", 2)));
        Value s = g.apply("Sqrt", p + "Sqrt", g.apply("Add", p + "Add", v, scalar(g, p + "Constant_1", (float) n.d("epsilon"))));
        Value y = g.apply("Mul", p + "Mul", g.apply("Div", p + "Div", d, s), n.input(1));
        return g.apply("Add", p + "Add_1", y, n.input(2));
    }

    private static Value linear(Graph g, String p, Node n, int k) {
        Tensor w = n.input(1).constant();
        int out = w.shape().dim(0), in = w.shape().dim(1);
        Value c = g.addConstant("onnx::MatMul_" + k, Weights.build(Shape.of(in, out), i -> w.getFloat((long) (i % out) * in + i / out)));
        Value mm = g.apply("MatMul", p + "MatMul", n.input(0), c);
        return n.inputCount() > 2 ? g.apply("Add", p + "Add", n.input(2), mm) : mm;
    }

    private static Value batchNorm(Graph g, String p, Node bn) {
        FoldConvBn.Affine a = FoldConvBn.Affine.of(bn);
        int c = a.s().length;
        Value s = g.addConstant(p + "scale", Weights.build(Shape.of(1, c, 1, 1), i -> a.s()[i]));
        Value t = g.addConstant(p + "shift", Weights.build(Shape.of(1, c, 1, 1), i -> a.t()[i]));
        return g.apply("Add", p + "Add", g.apply("Mul", p + "Mul", bn.input(0), s), t);
    }
}
