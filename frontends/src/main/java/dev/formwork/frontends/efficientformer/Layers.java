package dev.formwork.frontends.efficientformer;

import dev.formwork.frontends.weights.Init;
import dev.formwork.frontends.weights.WeightSource;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;

/**
 * The small vocabulary both builders share: PyTorch modules as IR nodes, with the naming rules
 * in one place. Node names are module paths ({@code stages.3.blocks.4.token_mixer.qkv}),
 * parameters are constants named exactly by their timm state-dict key
 * ({@code ...qkv.weight}), and everything PyTorch does not count as a parameter (BatchNorm
 * running statistics, index tables, scalar factors) is a buffer, so
 * {@link Graph#parameterCount()} equals PyTorch's {@code sum(p.numel() for p in parameters())}.
 */
final class Layers {
    static final double BN_EPS = 1e-5;
    static final double LN_EPS = 1e-5;

    final Graph g;
    private final WeightSource weights;

    /** Normalisation the networks were trained with (ImageNet); exporters record it. */
    static final String INPUT_MEAN = "0.485,0.456,0.406";
    static final String INPUT_STD = "0.229,0.224,0.225";

    Layers(Graph g, WeightSource weights) {
        this.g = g;
        this.weights = weights;
        g.metadata().put("model", g.name());
        g.metadata().put("input_mean", INPUT_MEAN);
        g.metadata().put("input_std", INPUT_STD);
    }

    /** A trained parameter from the weight source, named by its key. */
    Value param(String key, Shape shape, Init kind) {
        return named(g.addConstant(key, weights.take(key, shape, kind)), key);
    }

    /** A running statistic from the weight source: a constant but not a parameter. */
    Value stat(String key, Shape shape, Init kind) {
        return named(g.addBuffer(key, weights.take(key, shape, kind)), key);
    }

    /** A constant the model computes itself (never from the checkpoint). */
    Value buffer(String key, Tensor t) {
        return named(g.addBuffer(key, t), key);
    }

    /** A float32 scalar buffer (attention scale, the head average's divisor). */
    Value scalar(String key, float v) {
        return buffer(key, Tensor.scalar(v));
    }

    /** Adds a node whose single output must carry the node's name (catches builder name clashes). */
    Value op(String opType, String name, Attributes attrs, Value... ins) {
        return named(g.apply(opType, name, attrs, ins), name);
    }

    Value op(String opType, String name, Value... ins) {
        return op(opType, name, Attributes.EMPTY, ins);
    }

    private static Value named(Value v, String expected) {
        if (!v.name().equals(expected)) {
            throw new IllegalStateException("builder bug: value " + expected + " was renamed to " + v.name());
        }
        return v;
    }

    /** nn.Conv2d with bias: keys {@code name.weight} [out, in/groups, k, k] and {@code name.bias}. */
    Value conv(String name, Value x, int out, int k, int stride, int pad, int groups) {
        int in = x.shape().dim(1);
        if (in % groups != 0 || out % groups != 0) throw new IllegalStateException(name + ": groups " + groups + " vs " + in + "->" + out);
        Value w = param(name + ".weight", Shape.of(out, in / groups, k, k), Init.WEIGHT);
        Value b = param(name + ".bias", Shape.of(out), Init.BIAS);
        return op("Conv", name, Attributes.of("strides", new int[] {stride, stride}, "pads", new int[] {pad, pad, pad, pad},
                "groups", groups), x, w, b);
    }

    /** Eval-mode nn.BatchNorm2d: weight and bias are parameters, running mean/var are buffers. */
    Value batchNorm(String name, Value x) {
        Shape c = Shape.of(x.shape().dim(1));
        Value w = param(name + ".weight", c, Init.NORM_WEIGHT);
        Value b = param(name + ".bias", c, Init.NORM_BIAS);
        Value mean = stat(name + ".running_mean", c, Init.RUNNING_MEAN);
        Value var = stat(name + ".running_var", c, Init.RUNNING_VAR);
        return op("BatchNorm", name, Attributes.of("epsilon", BN_EPS), x, w, b, mean, var);
    }

    /** nn.LayerNorm over the last axis. */
    Value layerNorm(String name, Value x) {
        Shape c = Shape.of(x.shape().dim(-1));
        Value w = param(name + ".weight", c, Init.NORM_WEIGHT);
        Value b = param(name + ".bias", c, Init.NORM_BIAS);
        return op("LayerNorm", name, Attributes.of("axis", -1, "epsilon", LN_EPS), x, w, b);
    }

    /** nn.Linear: weight [out, in] and bias [out]. */
    Value linear(String name, Value x, int out) {
        return linear(name, name, x, out);
    }

    /** nn.Linear whose node name differs from its module (the non-distilled head is {@code logits}). */
    Value linear(String nodeName, String module, Value x, int out) {
        Value w = param(module + ".weight", Shape.of(out, x.shape().dim(-1)), Init.WEIGHT);
        Value b = param(module + ".bias", Shape.of(out), Init.BIAS);
        return op("Linear", nodeName, x, w, b);
    }

    /**
     * The classifier on the pooled vector: eval-mode timm returns {@code (head(x) + head_dist(x)) / 2}
     * (nodes {@code head}, {@code head_dist}, {@code logits.sum}, {@code logits} = Div by the scalar
     * buffer {@code logits.divisor}). Without distillation the {@code head} Linear itself is the
     * node {@code logits}. Either way the graph's output value is named {@code logits}.
     */
    Value classifier(Value pooled, int classes, boolean distillation) {
        if (!distillation) return linear("logits", "head", pooled, classes);
        Value head = linear("head", pooled, classes);
        Value dist = linear("head_dist", pooled, classes);
        Value sum = add("logits.sum", head, dist);
        return op("Div", "logits", sum, scalar("logits.divisor", 2f));
    }

    /**
     * The test-only patch stem: one p x p stride-p convolution 3 -> C0 without padding
     * ({@code stem.conv}), BatchNorm ({@code stem.norm}) and the family's activation
     * ({@code stem.act}: ReLU for V1, GELU for V2).
     */
    Value patchStem(Value x, int c0, int p, boolean gelu) {
        Value y = batchNorm("stem.norm", conv("stem.conv", x, c0, p, p, 0, 1));
        return gelu ? gelu("stem.act", y) : relu("stem.act", y);
    }

    /** Exact (erf) GELU, as nn.GELU() and timm's default. */
    Value gelu(String name, Value x) {
        return op("Gelu", name, Attributes.of("approximate", "none"), x);
    }

    Value relu(String name, Value x) {
        return op("Relu", name, x);
    }

    Value add(String name, Value a, Value b) {
        return op("Add", name, a, b);
    }

    Value mul(String name, Value a, Value b) {
        return op("Mul", name, a, b);
    }

    Value reshape(String name, Value x, int... shape) {
        return op("Reshape", name, Attributes.of("shape", shape), x);
    }

    Value transpose(String name, Value x, int... perm) {
        return op("Transpose", name, Attributes.of("perm", perm), x);
    }

    /**
     * timm's LayerScale2d: {@code x * gamma.view(1, -1, 1, 1)}. Parameter {@code name.gamma} [C];
     * nodes {@code name.view} (Reshape) and {@code name} (Mul).
     */
    Value layerScale4d(String name, Value x) {
        int c = x.shape().dim(1);
        Value gamma = param(name + ".gamma", Shape.of(c), Init.LAYER_SCALE);
        Value view = reshape(name + ".view", gamma, 1, c, 1, 1);
        return mul(name, x, view);
    }

    /** timm's LayerScale on tokens [B, N, C]: gamma [C] broadcasts over the last axis directly. */
    Value layerScale3d(String name, Value x) {
        Value gamma = param(name + ".gamma", Shape.of(x.shape().dim(-1)), Init.LAYER_SCALE);
        return mul(name, x, gamma);
    }

    /**
     * The learned position bias {@code attention_biases[:, idx]}: parameter
     * {@code prefix.attention_biases} [heads, tableSize], index buffer
     * {@code prefix.attention_bias_idxs} (checked against the checkpoint's copy when it has one)
     * and a Gather on axis 1 named {@code prefix.attention_bias}, giving [heads, rows, cols].
     */
    Value attentionBias(String prefix, int heads, int tableSize, AttentionIndex.Table idx) {
        Value table = param(prefix + ".attention_biases", Shape.of(heads, tableSize), Init.ATTENTION_BIAS);
        Tensor idxTensor = idx.tensor();
        weights.checkBuffer(prefix + ".attention_bias_idxs", idxTensor);
        Value idxs = buffer(prefix + ".attention_bias_idxs", idxTensor);
        return op("Gather", prefix + ".attention_bias", Attributes.of("axis", 1), table, idxs);
    }
}
