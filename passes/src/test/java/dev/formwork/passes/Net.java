package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import java.util.Random;

/**
 * A tiny graph builder for pass tests, with the zoo's conventions: constants named like timm
 * keys, BN running stats and index tables as buffers, 4-D layer scale as Reshape(gamma,[1,C,1,1])
 * then Mul, and the golden README's random draws (weights N(0, 1/fan_in), biases N(0, 0.1), BN
 * weight U[0.8,1.2], running var U[0.5,2], layer scales U[0.1,0.4]).
 */
final class Net {
    final Graph g;
    private final Random r;

    Net(String name, long seed) {
        this.g = new Graph(name);
        this.r = new Random(seed);
    }

    Value input(int... shape) {
        return g.addInput("input", ValueType.f32(shape));
    }

    Tensor normal(Shape s, double std) {
        float[] v = new float[Math.toIntExact(s.numel())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * std);
        return Tensor.ofFloats(s, v);
    }

    Tensor uniform(Shape s, double lo, double hi) {
        float[] v = new float[Math.toIntExact(s.numel())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return Tensor.ofFloats(s, v);
    }

    Value param(String key, Tensor t) {
        return g.addConstant(key, t);
    }

    Value conv(String name, Value x, int out, int k, int stride, int pad, int groups, boolean bias) {
        int in = x.shape().dim(1);
        Value w = param(name + ".weight", normal(Shape.of(out, in / groups, k, k), 1 / Math.sqrt(in / groups * k * k)));
        Attributes a = Attributes.of("strides", new long[] {stride, stride}, "pads", new long[] {pad, pad, pad, pad}, "groups", groups);
        if (!bias) return g.apply("Conv", name, a, x, w);
        return g.apply("Conv", name, a, x, w, param(name + ".bias", normal(Shape.of(out), 0.1)));
    }

    Value conv1x1(String name, Value x, int out) {
        return conv(name, x, out, 1, 1, 0, 1, true);
    }

    Value bn(String name, Value x) {
        int c = x.shape().dim(1);
        Value w = param(name + ".weight", uniform(Shape.of(c), 0.8, 1.2));
        Value b = param(name + ".bias", normal(Shape.of(c), 0.1));
        Value m = g.addBuffer(name + ".running_mean", normal(Shape.of(c), 0.1));
        Value v = g.addBuffer(name + ".running_var", uniform(Shape.of(c), 0.5, 2));
        return g.apply("BatchNorm", name, x, w, b, m, v);
    }

    Value linear(String name, Value x, int out, boolean bias) {
        int in = x.shape().dim(-1);
        Value w = param(name + ".weight", normal(Shape.of(out, in), 1 / Math.sqrt(in)));
        if (!bias) return g.apply("Linear", name, x, w);
        return g.apply("Linear", name, x, w, param(name + ".bias", normal(Shape.of(out), 0.1)));
    }

    Value layerNorm(String name, Value x) {
        int c = x.shape().dim(-1);
        return g.apply("LayerNorm", name, x, param(name + ".weight", uniform(Shape.of(c), 0.8, 1.2)),
                param(name + ".bias", normal(Shape.of(c), 0.1)));
    }

    Value op(String op, String name, Value... ins) {
        return g.apply(op, name, ins);
    }

    Value op(String op, String name, Attributes a, Value... ins) {
        return g.apply(op, name, a, ins);
    }

    Value reshape(String name, Value x, int... shape) {
        return g.apply("Reshape", name, Attributes.of("shape", shape), x);
    }

    Value transpose(String name, Value x, int... perm) {
        return g.apply("Transpose", name, Attributes.of("perm", perm), x);
    }

    /** timm's 4-D layer scale: Reshape(gamma [C], [1,C,1,1]) then Mul. */
    Value layerScale4d(String key, Value branch) {
        int c = branch.shape().dim(1);
        Value gamma = param(key, uniform(Shape.of(c), 0.1, 0.4));
        return op("Mul", key + ".mul", branch, reshape(key + ".reshape", gamma, 1, c, 1, 1));
    }

    /** 3-D layer scale: Mul by gamma [C] over the last axis. */
    Value layerScale3d(String key, Value branch) {
        int c = branch.shape().dim(-1);
        return op("Mul", key + ".mul", branch, param(key, uniform(Shape.of(c), 0.1, 0.4)));
    }

    Value scalar(String name, float v) {
        return g.addConstant(name, Tensor.scalar(v));
    }

    /** Attention bias: Gather(attention_biases [h, r*r], idx [r*r, r*r], axis 1) -> [h, N, N]. */
    Value attentionBias(String prefix, int heads, int res) {
        int n = res * res;
        Value ab = param(prefix + ".attention_biases", normal(Shape.of(heads, n), 1));
        long[] idx = new long[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) idx[i * n + j] = Math.abs(i / res - j / res) * res + Math.abs(i % res - j % res);
        Value ix = g.addBuffer(prefix + ".attention_bias_idxs", Tensor.ofLongs(Shape.of(n, n), idx));
        return op("Gather", prefix + ".bias_gather", Attributes.of("axis", 1), ab, ix);
    }

    Value pool3(String name, Value x) {
        return op("AveragePool", name, Attributes.of("kernel", new long[] {3, 3}, "strides", new long[] {1, 1},
                "pads", new long[] {1, 1, 1, 1}, "count_include_pad", 0), x);
    }

    Value gelu(String name, Value x) {
        return op("Gelu", name, x);
    }

    Graph output(Value v) {
        g.addOutput(v);
        dev.formwork.ir.GraphVerifier.verify(g);
        return g;
    }
}
