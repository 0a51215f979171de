package dev.formwork.runtimes.tflite;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import java.util.List;
import java.util.Random;

/** Terse construction of one-to-few-op graphs for the writer tests. */
final class TinyGraph {
    final Graph g;
    private final Random r = new Random(11);

    TinyGraph(String name) {
        g = new Graph(name);
    }

    Value in(int... shape) {
        return g.addInput("input" + (g.inputs().isEmpty() ? "" : g.inputs().size()), ValueType.f32(shape));
    }

    Value c(int... shape) {
        Shape s = Shape.of(shape);
        float[] d = new float[(int) s.numel()];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * 0.5f;
        return g.addConstant("c" + g.constants().size(), Tensor.ofFloats(s, d));
    }

    Value pos(int... shape) {
        Shape s = Shape.of(shape);
        float[] d = new float[(int) s.numel()];
        for (int i = 0; i < d.length; i++) d[i] = 0.5f + r.nextFloat();
        return g.addConstant("p" + g.constants().size(), Tensor.ofFloats(s, d));
    }

    Value op(String op, Attributes a, Value... ins) {
        return g.apply(op, op.toLowerCase() + g.nodeCount(), a, ins);
    }

    Value op(String op, Value... ins) {
        return op(op, Attributes.EMPTY, ins);
    }

    List<Value> multi(String op, Attributes a, Value... ins) {
        Node n = g.add(op, op.toLowerCase() + g.nodeCount(), List.of(ins), a);
        return n.outputs();
    }

    /** A spatial conv so the graph has an image in NHWC (what the writer sees in practice). */
    Value conv(Value x, int out) {
        int cin = x.shape().dim(1);
        return op("Conv", Attributes.of("pads", new int[] {1, 1, 1, 1}), x, c(out, cin, 3, 3), c(out));
    }

    Graph out(Value... outs) {
        for (Value v : outs) g.addOutput(v);
        return g;
    }
}
