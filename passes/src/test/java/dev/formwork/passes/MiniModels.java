package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;

/**
 * Hand-built miniature EfficientFormer V1 and V2 networks with every block type and the zoo's
 * graph conventions, so pipelines can be tested without the model zoo.
 */
final class MiniModels {
    private MiniModels() {}

    /** V1: conv (or patch) stem, two Meta4D, downsample, Flat, one Meta3D, LN head with distillation. */
    static Graph v1(long seed, boolean patchStem) {
        Net n = new Net("mini_v1", seed);
        Value x = n.input(1, 3, 32, 32);
        if (patchStem) {
            x = n.op("Relu", "stem.act", n.bn("stem.norm", n.conv("stem.conv", x, 16, 4, 4, 0, 1, true)));
        } else {
            x = n.op("Relu", "stem.act1", n.bn("stem.norm1", n.conv("stem.conv1", x, 8, 3, 2, 1, 1, true)));
            x = n.op("Relu", "stem.act2", n.bn("stem.norm2", n.conv("stem.conv2", x, 16, 3, 2, 1, 1, true)));
        }
        x = meta4d(n, "stages.0.blocks.0", x);
        x = n.bn("stages.1.downsample.norm", n.conv("stages.1.downsample.conv", x, 24, 3, 2, 1, 1, true));
        x = meta4d(n, "stages.1.blocks.0", x);
        x = n.transpose("stages.1.flat.transpose", n.op("Flatten", "stages.1.flat", Attributes.of("start", 2), x), 0, 2, 1);
        x = meta3d(n, "stages.1.blocks.2", x, 2, 4, 8, 4);
        x = n.op("ReduceMean", "pool", Attributes.of("axes", new long[] {1}, "keepdims", 0), n.layerNorm("norm", x));
        return n.output(heads(n, x));
    }

    static Value heads(Net n, Value pooled) {
        Value h = n.linear("head", pooled, 10, true), d = n.linear("head_dist", pooled, 10, true);
        return n.op("Mul", "logits", n.op("Add", "head_sum", h, d), n.scalar("half", 0.5f));
    }

    static Value meta4d(Net n, String p, Value x) {
        Value pooled = n.pool3(p + ".token_mixer.pool", x);
        Value mixed = n.op("Add", p + ".add1", x, n.layerScale4d(p + ".ls1.gamma", n.op("Sub", p + ".token_mixer.sub", pooled, x)));
        int c = x.shape().dim(1);
        Value h = n.gelu(p + ".mlp.act", n.bn(p + ".mlp.norm1", n.conv1x1(p + ".mlp.fc1", mixed, 4 * c)));
        Value m = n.bn(p + ".mlp.norm2", n.conv1x1(p + ".mlp.fc2", h, c));
        return n.op("Add", p + ".add2", mixed, n.layerScale4d(p + ".ls2.gamma", m));
    }

    /** Meta3D with the V1 per-head qkv layout [q kd | k kd | v vd]. */
    static Value meta3d(Net n, String p, Value x, int heads, int kd, int vd, int res) {
        int tokens = x.shape().dim(1), c = x.shape().dim(2), per = 2 * kd + vd;
        String t = p + ".token_mixer";
        Value qkv = n.linear(t + ".qkv", n.layerNorm(p + ".norm1", x), heads * per, true);
        Value hs = n.transpose(t + ".permute", n.reshape(t + ".split_heads", qkv, 1, tokens, heads, per), 0, 2, 1, 3);
        var split = n.g.add("Split", t + ".split", java.util.List.of(hs), Attributes.of("axis", 3, "split", new long[] {kd, kd, vd}));
        Value q = split.output(0), k = split.output(1), v = split.output(2);
        Value s = n.op("MatMul", t + ".qk", q, n.transpose(t + ".kT", k, 0, 1, 3, 2));
        s = n.op("Mul", t + ".scale", s, n.scalar(t + ".scale_value", (float) Math.pow(kd, -0.5)));
        s = n.op("Softmax", t + ".softmax", n.op("Add", t + ".bias_add", s, n.attentionBias(t, heads, res)));
        Value o = n.op("MatMul", t + ".av", s, v);
        o = n.reshape(t + ".merge_heads", n.transpose(t + ".out_permute", o, 0, 2, 1, 3), 1, tokens, heads * vd);
        x = n.op("Add", p + ".add1", x, n.layerScale3d(p + ".ls1.gamma", n.linear(t + ".proj", o, c, true)));
        Value h = n.gelu(p + ".mlp.act", n.linear(p + ".mlp.fc1", n.layerNorm(p + ".norm2", x), 4 * c, true));
        return n.op("Add", p + ".add2", x, n.layerScale3d(p + ".ls2.gamma", n.linear(p + ".mlp.fc2", h, c, true)));
    }

    /** V2: GELU conv stem, FFN block, downsample, Attention4D + FFN, final BN, pooled distilled heads. */
    static Graph v2(long seed) {
        Net n = new Net("mini_v2", seed);
        Value x = n.input(1, 3, 32, 32);
        x = n.gelu("stem.conv1.act", n.bn("stem.conv1.bn", n.conv("stem.conv1.conv", x, 8, 3, 2, 1, 1, true)));
        x = n.gelu("stem.conv2.act", n.bn("stem.conv2.bn", n.conv("stem.conv2.conv", x, 16, 3, 2, 1, 1, true)));
        x = n.op("Add", "stages.0.blocks.0.add", x, n.layerScale4d("stages.0.blocks.0.ls2.gamma", ffn(n, "stages.0.blocks.0.mlp", x, 4)));
        x = n.bn("stages.1.downsample.conv.bn", n.conv("stages.1.downsample.conv.conv", x, 24, 3, 2, 1, 1, true));
        String p = "stages.1.blocks.0";
        x = n.op("Add", p + ".add1", x, n.layerScale4d(p + ".ls1.gamma", attention4d(n, p + ".token_mixer", x, 2, 4, 8)));
        x = n.op("Add", p + ".add2", x, n.layerScale4d(p + ".ls2.gamma", ffn(n, p + ".mlp", x, 3)));
        x = n.bn("norm", x);
        x = n.op("ReduceMean", "pool", Attributes.of("axes", new long[] {2, 3}, "keepdims", 0), x);
        return n.output(heads(n, x));
    }

    static Value ffn(Net n, String p, Value x, int ratio) {
        int c = x.shape().dim(1), h = c * ratio;
        Value y = n.gelu(p + ".fc1.act", n.bn(p + ".fc1.bn", n.conv1x1(p + ".fc1.conv", x, h)));
        y = n.gelu(p + ".mid.act", n.bn(p + ".mid.bn", n.conv(p + ".mid.conv", y, h, 3, 1, 1, h, true)));
        return n.bn(p + ".fc2.bn", n.conv1x1(p + ".fc2.conv", y, c));
    }

    static Value attention4d(Net n, String t, Value x, int heads, int kd, int vd) {
        int r = x.shape().dim(2), tokens = r * r, c = x.shape().dim(1);
        Value q = n.bn(t + ".q.bn", n.conv1x1(t + ".q.conv", x, heads * kd));
        Value k = n.bn(t + ".k.bn", n.conv1x1(t + ".k.conv", x, heads * kd));
        Value v = n.bn(t + ".v.bn", n.conv1x1(t + ".v.conv", x, heads * vd));
        Value vLocal = n.bn(t + ".v_local.bn", n.conv(t + ".v_local.conv", v, heads * vd, 3, 1, 1, heads * vd, true));
        q = n.transpose(t + ".q_permute", n.reshape(t + ".q_heads", q, 1, heads, kd, tokens), 0, 1, 3, 2);
        k = n.reshape(t + ".k_heads", k, 1, heads, kd, tokens);
        v = n.transpose(t + ".v_permute", n.reshape(t + ".v_heads", v, 1, heads, vd, tokens), 0, 1, 3, 2);
        Value a = n.op("Mul", t + ".scale", n.op("MatMul", t + ".qk", q, k), n.scalar(t + ".scale_value", (float) Math.pow(kd, -0.5)));
        a = n.op("Add", t + ".bias_add", a, n.attentionBias(t, heads, r));
        a = n.conv1x1(t + ".talking_head1", a, heads);
        a = n.conv1x1(t + ".talking_head2", n.op("Softmax", t + ".softmax", a), heads);
        Value o = n.op("MatMul", t + ".av", a, v);
        o = n.reshape(t + ".merge", n.transpose(t + ".out_permute", o, 0, 1, 3, 2), 1, heads * vd, r, r);
        o = n.gelu(t + ".proj.act", n.op("Add", t + ".local_add", o, vLocal));
        return n.bn(t + ".proj.bn", n.conv1x1(t + ".proj.conv", o, c));
    }
}
