package dev.formwork.exporters.tflite;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import java.util.List;
import java.util.Random;

/** A small classifier with the ops the writer sees on EfficientFormer: stem, pool mixer, tokens, attention, head. */
final class SampleGraph {
    private SampleGraph() {}

    static Graph build(int batch) {
        Graph g = new Graph("sample");
        Random r = new Random(5);
        Value x = g.addInput("input", ValueType.f32(batch, 3, 16, 16));
        x = g.apply("Conv", "stem", Attributes.of("strides", new int[] {2, 2}, "pads", new int[] {1, 1, 1, 1}), x,
                c(g, r, "stem.weight", 8, 3, 3, 3), c(g, r, "stem.bias", 8));
        x = g.apply("Relu", "stem.act", x);
        Value pool = g.apply("AveragePool", "pool", Attributes.of("kernel", new int[] {3, 3}, "pads", new int[] {1, 1, 1, 1}), x);
        x = g.apply("Add", "mix", x, g.apply("Mul", "ls", g.apply("Sub", "diff", pool, x), c(g, r, "ls.gamma", 1, 8, 1, 1)));
        x = g.apply("Gelu", "act", g.apply("Conv", "fc", x, c(g, r, "fc.weight", 8, 8, 1, 1), c(g, r, "fc.bias", 8)));
        Value t = g.apply("Transpose", "tokens", Attributes.of("perm", new int[] {0, 2, 1}),
                g.apply("Flatten", "flat", Attributes.of("start", 2, "end", -1), x)); // [B,64,8]
        Value qkv = g.apply("Reshape", "heads", Attributes.of("shape", new int[] {batch, 64, 2, 12}),
                g.apply("Linear", "qkv", t, c(g, r, "qkv.weight", 24, 8), c(g, r, "qkv.bias", 24)));
        Node split = g.add("Split", "split", List.of(qkv), Attributes.of("axis", -1, "split", new int[] {4, 4, 4}));
        Value q = g.apply("Transpose", "q", Attributes.of("perm", new int[] {0, 2, 1, 3}), split.output(0));
        Value kT = g.apply("Transpose", "k_t", Attributes.of("perm", new int[] {0, 2, 3, 1}), split.output(1));
        Value v = g.apply("Transpose", "v", Attributes.of("perm", new int[] {0, 2, 1, 3}), split.output(2));
        Value s = g.apply("Softmax", "softmax", Attributes.of("axis", -1), g.apply("MatMul", "qk", q, kT));
        Value o = g.apply("Transpose", "merge_t", Attributes.of("perm", new int[] {0, 2, 1, 3}), g.apply("MatMul", "av", s, v));
        o = g.apply("Reshape", "merge", Attributes.of("shape", new int[] {batch, 64, 8}), o);
        t = g.apply("LayerNorm", "norm", Attributes.of("axis", -1), g.apply("Add", "res", t, o), c(g, r, "norm.weight", 8), c(g, r, "norm.bias", 8));
        Value m = g.apply("ReduceMean", "pre_logits", Attributes.of("axes", new int[] {1}, "keepdims", 0), t);
        g.addOutput(g.apply("Linear", "logits", m, c(g, r, "head.weight", 4, 8), c(g, r, "head.bias", 4)));
        GraphVerifier.verify(g);
        return g;
    }

    private static Value c(Graph g, Random r, String name, int... shape) {
        Shape s = Shape.of(shape);
        float[] d = new float[(int) s.numel()];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * 0.4f;
        return g.addConstant(name, Tensor.ofFloats(s, d));
    }
}
