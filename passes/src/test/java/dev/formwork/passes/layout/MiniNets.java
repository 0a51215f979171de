package dev.formwork.passes.layout;

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

/**
 * Small graphs with the same op patterns as the EfficientFormer builders (same reshapes,
 * transposes, splits, talking heads, bias gathers), at sizes the interpreter runs in
 * milliseconds. The real models are covered by the golden tests.
 */
final class MiniNets {
    static final int HEADS = 2;

    final Graph g;
    private final Random rnd;
    private int counter;

    MiniNets(String name, long seed) {
        this.g = new Graph(name);
        this.rnd = new Random(seed);
    }

    Value input(int b, int c, int h, int w) {
        return g.addInput("input", ValueType.f32(b, c, h, w));
    }

    Value param(String name, int... shape) {
        Shape s = Shape.of(shape);
        float[] d = new float[(int) s.numel()];
        double scale = shape.length > 1 ? 1.0 / Math.sqrt(s.numel() / shape[0]) : 0.3;
        for (int i = 0; i < d.length; i++) d[i] = (float) (rnd.nextGaussian() * scale);
        return g.addConstant(name, Tensor.ofFloats(s, d));
    }

    Value positive(String name, int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = 0.5f + rnd.nextFloat();
        return g.addConstant(name, Tensor.ofFloats(Shape.of(n), d));
    }

    Value op(String op, String name, Attributes a, Value... ins) {
        return g.apply(op, name, a, ins);
    }

    Value conv(String name, Value x, int out, int k, int stride, int pad, int groups) {
        int in = x.shape().dim(1);
        return op("Conv", name, Attributes.of("strides", new int[] {stride, stride}, "pads", new int[] {pad, pad, pad, pad},
                "groups", groups), x, param(name + ".weight", out, in / groups, k, k), param(name + ".bias", out));
    }

    Value bn(String name, Value x) {
        int c = x.shape().dim(1);
        return op("BatchNorm", name, Attributes.of("epsilon", 1e-5), x, positive(name + ".weight", c), param(name + ".bias", c),
                param(name + ".mean", c), positive(name + ".var", c));
    }

    Value gelu(String name, Value x) {
        return op("Gelu", name, Attributes.EMPTY, x);
    }

    Value reshape(String name, Value x, int... s) {
        return op("Reshape", name, Attributes.of("shape", s), x);
    }

    Value transpose(String name, Value x, int... p) {
        return op("Transpose", name, Attributes.of("perm", p), x);
    }

    /** timm's LayerScale2d: gamma [C] through a Reshape [1,C,1,1] view. */
    Value layerScale4d(String name, Value x) {
        Value view = reshape(name + ".view", param(name + ".gamma", x.shape().dim(1)), 1, x.shape().dim(1), 1, 1);
        return op("Mul", name, Attributes.EMPTY, x, view);
    }

    /** attention_biases[:, idx] through a Gather, as the builders do. */
    Value bias(String name, int rows, int cols) {
        Value table = param(name + ".attention_biases", HEADS, rows * cols);
        long[] idx = new long[rows * cols];
        for (int i = 0; i < idx.length; i++) idx[i] = (i * 7L) % (rows * cols);
        Value idxs = g.addBuffer(name + ".attention_bias_idxs", Tensor.ofLongs(Shape.of(rows, cols), idx));
        return op("Gather", name + ".attention_bias", Attributes.of("axis", 1), table, idxs);
    }

    Value scalar(String name, float v) {
        return g.addBuffer(name, Tensor.scalar(v));
    }

    /** Stem (two 3x3 s2 convs), one pooling block, Flat, one V1 attention block, head. */
    static Graph v1(int batch, int size) {
        MiniNets m = new MiniNets("mini_v1", 1);
        Value x = m.input(batch, 3, size, size);
        x = m.op("Relu", "stem.act1", Attributes.EMPTY, m.bn("stem.norm1", m.conv("stem.conv1", x, 4, 3, 2, 1, 1)));
        x = m.op("Relu", "stem.act2", Attributes.EMPTY, m.bn("stem.norm2", m.conv("stem.conv2", x, 8, 3, 2, 1, 1)));
        String p = "stages.0.blocks.0";
        Value pool = m.op("AveragePool", p + ".token_mixer.pool", Attributes.of("kernel", new int[] {3, 3}, "strides", new int[] {1, 1},
                "pads", new int[] {1, 1, 1, 1}, "count_include_pad", 0), x);
        Value mixed = m.op("Sub", p + ".token_mixer", Attributes.EMPTY, pool, x);
        x = m.op("Add", p + ".add1", Attributes.EMPTY, x, m.layerScale4d(p + ".ls1", mixed));
        Value h = m.gelu(p + ".mlp.act", m.bn(p + ".mlp.norm1", m.conv(p + ".mlp.fc1", x, 16, 1, 1, 0, 1)));
        x = m.op("Add", p, Attributes.EMPTY, x, m.layerScale4d(p + ".ls2", m.bn(p + ".mlp.norm2", m.conv(p + ".mlp.fc2", h, 8, 1, 1, 0, 1))));
        x = m.bn("stages.1.downsample.norm", m.conv("stages.1.downsample.conv", x, 12, 3, 2, 1, 1));
        int r = x.shape().dim(2);
        Value f = m.op("Flatten", "stages.1.blocks.0.flatten", Attributes.of("start", 2, "end", -1), x);
        x = m.transpose("stages.1.blocks.0", f, 0, 2, 1);
        x = m.meta3d("stages.1.blocks.1", x, batch, r);
        return m.head(x, true);
    }

    private Value layerNorm(String name, Value x) {
        int c = x.shape().dim(-1);
        return op("LayerNorm", name, Attributes.of("axis", -1, "epsilon", 1e-5), x, positive(name + ".weight", c), param(name + ".bias", c));
    }

    private Value linear(String name, Value x, int out) {
        return op("Linear", name, Attributes.EMPTY, x, param(name + ".weight", out, x.shape().dim(-1)), param(name + ".bias", out));
    }

    private Value meta3d(String p, Value x, int batch, int r) {
        int n = r * r, dim = x.shape().dim(2), kd = 4, vd = 8, per = 2 * kd + vd;
        String a = p + ".token_mixer";
        Value qkv = linear(a + ".qkv", layerNorm(p + ".norm1", x), HEADS * per);
        Value heads = reshape(a + ".qkv_heads", qkv, batch, n, HEADS, per);
        Node split = g.add("Split", a + ".split", List.of(heads), Attributes.of("axis", -1, "split", new int[] {kd, kd, vd}));
        Value q = transpose(a + ".q", split.output(0), 0, 2, 1, 3);
        Value kT = transpose(a + ".k_t", split.output(1), 0, 2, 3, 1);
        Value v = transpose(a + ".v", split.output(2), 0, 2, 1, 3);
        Value s = op("Mul", a + ".scaled", Attributes.EMPTY, op("MatMul", a + ".qk", Attributes.EMPTY, q, kT), scalar(a + ".scale", 0.5f));
        s = op("Add", a + ".biased", Attributes.EMPTY, s, bias(a, n, n));
        s = op("Softmax", a + ".softmax", Attributes.of("axis", -1), s);
        Value o = transpose(a + ".merge_transpose", op("MatMul", a + ".attn_v", Attributes.EMPTY, s, v), 0, 2, 1, 3);
        o = linear(a + ".proj", reshape(a + ".merge", o, batch, n, HEADS * vd), dim);
        x = op("Add", p + ".add1", Attributes.EMPTY, x, op("Mul", p + ".ls1", Attributes.EMPTY, o, param(p + ".ls1.gamma", dim)));
        Value m = linear(p + ".mlp.fc2", gelu(p + ".mlp.act", linear(p + ".mlp.fc1", layerNorm(p + ".norm2", x), 2 * dim)), dim);
        return op("Add", p, Attributes.EMPTY, x, op("Mul", p + ".ls2", Attributes.EMPTY, m, param(p + ".ls2.gamma", dim)));
    }

    /** Norm, mean over positions, two heads averaged. */
    private Graph head(Value x, boolean tokens) {
        x = tokens ? layerNorm("norm", x) : bn("norm", x);
        x = op("ReduceMean", "pre_logits", Attributes.of("axes", tokens ? new int[] {1} : new int[] {2, 3}, "keepdims", 0), x);
        Value sum = op("Add", "head_sum", Attributes.EMPTY, linear("head", x, 5), linear("head_dist", x, 5));
        g.addOutput(op("Mul", "logits", Attributes.EMPTY, sum, scalar("half", 0.5f)));
        GraphVerifier.verify(g);
        return g;
    }

    /** V2 stem, a strided talking-head attention block, the attention downsample, a plain attention block. */
    static Graph v2(int batch, int size) {
        MiniNets m = new MiniNets("mini_v2", 2);
        Value x = m.input(batch, 3, size, size);
        x = m.gelu("stem.conv1.bn.act", m.bn("stem.conv1.bn", m.conv("stem.conv1.conv", x, 4, 3, 2, 1, 1)));
        x = m.gelu("stem.conv2.bn.act", m.bn("stem.conv2.bn", m.conv("stem.conv2.conv", x, 8, 3, 2, 1, 1)));
        x = m.v2Block("stages.2.blocks.0", x, batch, true);
        String d = "stages.3.downsample";
        Value conv = m.bn(d + ".conv.bn", m.conv(d + ".conv.conv", x, 12, 3, 2, 1, 1));
        x = m.op("Add", d, Attributes.EMPTY, m.attnDownsample(d + ".attn", x, 12, batch), conv);
        x = m.v2Block("stages.3.blocks.0", x, batch, false);
        return m.head(x, false);
    }

    private Value convNorm(String name, Value x, int out, int k, int s, int p, int groups) {
        return bn(name + ".bn", conv(name + ".conv", x, out, k, s, p, groups));
    }

    private Value v2Block(String p, Value x, int batch, boolean strided) {
        String a = p + ".token_mixer";
        int dim = x.shape().dim(1), kd = 4, vd = 8;
        Value xs = strided ? convNorm(a + ".stride_conv", x, dim, 3, 2, 1, dim) : x;
        int r = xs.shape().dim(2), n = r * r;
        Value q = transpose(a + ".q.permute", reshape(a + ".q.reshape", convNorm(a + ".q", xs, HEADS * kd, 1, 1, 0, 1), batch, HEADS, kd, n), 0, 1, 3, 2);
        Value k = reshape(a + ".k.reshape", convNorm(a + ".k", xs, HEADS * kd, 1, 1, 0, 1), batch, HEADS, kd, n);
        Value v = convNorm(a + ".v", xs, HEADS * vd, 1, 1, 0, 1);
        Value vLocal = convNorm(a + ".v_local", v, HEADS * vd, 3, 1, 1, HEADS * vd);
        v = transpose(a + ".v.permute", reshape(a + ".v.reshape", v, batch, HEADS, vd, n), 0, 1, 3, 2);
        Value s = op("Mul", a + ".scaled", Attributes.EMPTY, op("MatMul", a + ".qk", Attributes.EMPTY, q, k), scalar(a + ".scale", 0.5f));
        s = op("Add", a + ".biased", Attributes.EMPTY, s, bias(a, n, n));
        s = conv(a + ".talking_head1", s, HEADS, 1, 1, 0, 1);
        s = op("Softmax", a + ".softmax", Attributes.of("axis", -1), s);
        s = conv(a + ".talking_head2", s, HEADS, 1, 1, 0, 1);
        Value o = transpose(a + ".merge_transpose", op("MatMul", a + ".attn_v", Attributes.EMPTY, s, v), 0, 1, 3, 2);
        o = op("Add", a + ".add_local", Attributes.EMPTY, reshape(a + ".merge", o, batch, HEADS * vd, r, r), vLocal);
        if (strided) {
            o = op("Resize", a + ".upsample", Attributes.of("scales", new double[] {2, 2}, "mode", "linear",
                    "coordinate_transformation_mode", "half_pixel"), o);
        }
        o = convNorm(a + ".proj", gelu(a + ".act", o), dim, 1, 1, 0, 1);
        x = op("Add", p + ".add1", Attributes.EMPTY, x, layerScale4d(p + ".ls1", o));
        Value h = gelu(p + ".mlp.fc1.bn.act", convNorm(p + ".mlp.fc1", x, 2 * dim, 1, 1, 0, 1));
        h = gelu(p + ".mlp.mid.bn.act", convNorm(p + ".mlp.mid", h, 2 * dim, 3, 1, 1, 2 * dim));
        return op("Add", p, Attributes.EMPTY, x, layerScale4d(p + ".ls2", convNorm(p + ".mlp.fc2", h, dim, 1, 1, 0, 1)));
    }

    private Value attnDownsample(String a, Value x, int outDim, int batch) {
        int dim = x.shape().dim(1), r = x.shape().dim(2), n = r * r, kd = 4, vd = 8;
        Value local = conv(a + ".q.local", x, dim, 3, 2, 1, dim);
        Value pool = op("AveragePool", a + ".q.pool", Attributes.of("kernel", new int[] {1, 1}, "strides", new int[] {2, 2}), x);
        Value q = convNorm(a + ".q.proj", op("Add", a + ".q.sum", Attributes.EMPTY, local, pool), HEADS * kd, 1, 1, 0, 1);
        int r2 = q.shape().dim(2), n2 = r2 * r2;
        q = transpose(a + ".q.permute", reshape(a + ".q.reshape", q, batch, HEADS, kd, n2), 0, 1, 3, 2);
        Value k = reshape(a + ".k.reshape", convNorm(a + ".k", x, HEADS * kd, 1, 1, 0, 1), batch, HEADS, kd, n);
        Value v = convNorm(a + ".v", x, HEADS * vd, 1, 1, 0, 1);
        Value vLocal = convNorm(a + ".v_local", v, HEADS * vd, 3, 2, 1, HEADS * vd);
        v = transpose(a + ".v.permute", reshape(a + ".v.reshape", v, batch, HEADS, vd, n), 0, 1, 3, 2);
        Value s = op("Mul", a + ".scaled", Attributes.EMPTY, op("MatMul", a + ".qk", Attributes.EMPTY, q, k), scalar(a + ".scale", 0.5f));
        s = op("Softmax", a + ".softmax", Attributes.of("axis", -1), op("Add", a + ".biased", Attributes.EMPTY, s, bias(a, n2, n)));
        Value o = transpose(a + ".merge_transpose", op("MatMul", a + ".attn_v", Attributes.EMPTY, s, v), 0, 1, 3, 2);
        o = op("Add", a + ".add_local", Attributes.EMPTY, reshape(a + ".merge", o, batch, HEADS * vd, r2, r2), vLocal);
        return convNorm(a + ".proj", gelu(a + ".act", o), outDim, 1, 1, 0, 1);
    }
}
