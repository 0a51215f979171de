package dev.formwork.exporters.coreml;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import java.util.Random;

/** Small IR graphs, one per op family, with seeded random weights. */
final class TinyGraphs {
    private TinyGraphs() {}

    static Tensor random(Random r, int... shape) {
        Shape s = Shape.of(shape);
        float[] v = new float[(int) s.numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.5);
        return Tensor.ofFloats(s, v);
    }

    static Tensor positive(Random r, int... shape) {
        Shape s = Shape.of(shape);
        float[] v = new float[(int) s.numel()];
        for (int i = 0; i < v.length; i++) v[i] = 0.5f + r.nextFloat();
        return Tensor.ofFloats(s, v);
    }

    /** Conv (3x3 s2 p1) -> BatchNorm -> ReLU: the V1 stem. */
    static Graph stem(int batch) {
        Random r = new Random(1);
        Graph g = new Graph("stem");
        Value x = g.addInput("image", ValueType.f32(batch, 3, 16, 16));
        Value w = g.addConstant("conv.weight", random(r, 8, 3, 3, 3));
        Value b = g.addConstant("conv.bias", random(r, 8));
        Value y = g.apply("Conv", "conv", Attributes.of("strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1}), x, w, b);
        y = g.apply("BatchNorm", "bn", y, g.addConstant("bn.w", positive(r, 8)), g.addConstant("bn.b", random(r, 8)),
                g.addConstant("bn.m", random(r, 8)), g.addBuffer("bn.v", positive(r, 8)));
        y = g.apply("Relu", "relu", y);
        g.addOutput(y);
        return g;
    }

    /** A V1 Meta4D block: pool - x, layer scale, 1x1 MLP with GELU; then global mean and a linear head. */
    static Graph meta4d() {
        Random r = new Random(2);
        int c = 8;
        Graph g = new Graph("meta4d");
        Value x = g.addInput("x", ValueType.f32(1, c, 7, 7));
        Value p = g.apply("AveragePool", "pool", Attributes.of("kernel", new long[] {3, 3}, "pads", new long[] {1, 1, 1, 1}), x);
        Value t = g.apply("Sub", "sub", p, x);
        Value ls = g.addConstant("ls1", random(r, c, 1, 1));
        Value y = g.apply("Add", "res1", x, g.apply("Mul", "ls1mul", t, ls));
        Value h = g.apply("Conv", "fc1", y, g.addConstant("fc1.w", random(r, 4 * c, c, 1, 1)), g.addConstant("fc1.b", random(r, 4 * c)));
        h = g.apply("Gelu", "gelu", h);
        h = g.apply("Conv", "fc2", h, g.addConstant("fc2.w", random(r, c, 4 * c, 1, 1)), g.addConstant("fc2.b", random(r, c)));
        y = g.apply("Add", "res2", y, h);
        Value m = g.apply("ReduceMean", "mean", Attributes.of("axes", new long[] {2, 3}, "keepdims", 0L), y);
        Value logits = g.apply("Linear", "head", m, g.addConstant("head.w", random(r, 5, c)), g.addConstant("head.b", random(r, 5)));
        g.addOutput(logits);
        return g;
    }

    /** V1 attention on tokens: LayerNorm, qkv Linear, reshape/split per head, Q K^T with a gathered bias, softmax, proj. */
    static Graph attention() {
        Random r = new Random(3);
        int n = 4, c = 8, heads = 2, kd = 2, vd = 4;
        Graph g = new Graph("attention");
        Value x = g.addInput("tokens", ValueType.f32(1, n, c));
        Value ln = g.apply("LayerNorm", "norm1", x, g.addConstant("norm1.w", positive(r, c)), g.addConstant("norm1.b", random(r, c)));
        int per = 2 * kd + vd;
        Value qkv = g.apply("Linear", "qkv", ln, g.addConstant("qkv.w", random(r, heads * per, c)), g.addConstant("qkv.b", random(r, heads * per)));
        qkv = g.apply("Reshape", "qkv_r", Attributes.of("shape", new long[] {1, n, heads, per}), qkv);
        var split = g.add("Split", "split", java.util.List.of(qkv), Attributes.of("axis", 3L, "split", new long[] {kd, kd, vd}));
        Value q = g.apply("Transpose", "q_t", Attributes.of("perm", new long[] {0, 2, 1, 3}), split.output(0));
        Value k = g.apply("Transpose", "k_t", Attributes.of("perm", new long[] {0, 2, 3, 1}), split.output(1));
        Value v = g.apply("Transpose", "v_t", Attributes.of("perm", new long[] {0, 2, 1, 3}), split.output(2));
        Value s = g.apply("MatMul", "qk", q, k);
        s = g.apply("Mul", "scale", s, g.addConstant("scale", Tensor.scalar((float) Math.pow(kd, -0.5))));
        Value table = g.addConstant("attention_biases", random(r, heads, 3));
        Value idx = g.addBuffer("attention_bias_idxs", Tensor.ofLongs(Shape.of(n, n), 0, 1, 2, 1, 1, 0, 1, 2, 2, 1, 0, 1, 1, 2, 1, 0));
        Value bias = g.apply("Gather", "bias_gather", Attributes.of("axis", 1L), table, idx);
        s = g.apply("Add", "add_bias", s, bias);
        s = g.apply("Softmax", "softmax", s);
        Value o = g.apply("MatMul", "av", s, v);
        o = g.apply("Transpose", "o_t", Attributes.of("perm", new long[] {0, 2, 1, 3}), o);
        o = g.apply("Reshape", "o_r", Attributes.of("shape", new long[] {1, n, heads * vd}), o);
        o = g.apply("Linear", "proj", o, g.addConstant("proj.w", random(r, c, heads * vd)), g.addConstant("proj.b", random(r, c)));
        g.addOutput(g.apply("Add", "res", x, o));
        return g;
    }

    /** V2 pieces: depthwise strided conv, bilinear x2 upsample, SpaceToDepth, concat, slice, flatten. */
    static Graph v2Bits() {
        Random r = new Random(4);
        Graph g = new Graph("v2bits");
        Value x = g.addInput("x", ValueType.f32(1, 4, 8, 8));
        Value d = g.apply("Conv", "dw", Attributes.of("strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1}, "groups", 4L),
                x, g.addConstant("dw.w", random(r, 4, 1, 3, 3)), g.addConstant("dw.b", random(r, 4)));
        Value u = g.apply("Resize", "up", Attributes.of("scales", new double[] {2.0, 2.0}), d);
        Value s2d = g.apply("SpaceToDepth", "s2d", Attributes.of("blocksize", 2L), u);
        Value s2dx = g.apply("SpaceToDepth", "s2dx", Attributes.of("blocksize", 2L), x);
        Value cat = g.apply("Concat", "cat", Attributes.of("axis", 1L), s2d, s2dx);
        Value sl = g.apply("Slice", "slice", Attributes.of("axes", new long[] {1, 3}, "starts", new long[] {2, 0}, "ends", new long[] {-3, 4}, "steps", new long[] {2, 1}), cat);
        Value pool = g.apply("AveragePool", "sub2", Attributes.of("kernel", new long[] {1, 1}, "strides", new long[] {2, 2}), sl);
        Value f = g.apply("Flatten", "flat", Attributes.of("start", 1L), pool);
        Value e = g.apply("Erf", "erf", f);
        Value dv = g.apply("Div", "div", e, g.addConstant("two", Tensor.scalar(2f)));
        g.addOutput(g.apply("Sqrt", "sqrt", g.apply("Sigmoid", "sig", g.apply("Tanh", "tanh", dv))));
        return g;
    }
}
