package dev.formwork.frontends.efficientformer;

import dev.formwork.frontends.config.Family;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.frontends.weights.WeightSource;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * EfficientFormerV2 as timm's {@code EfficientFormerV2} computes it in eval mode.
 *
 * <p>Dataflow: Stem4 (ConvNormAct with GELU, twice) -> 4 stages of FFN blocks (1x1 conv, depthwise
 * 3x3, 1x1 conv, each with BN) whose last {@code num_vit} blocks in stages 2 and 3 (0-based) also
 * have an Attention4D token mixer -> BatchNorm -> mean over H, W -> (head + head_dist) / 2.
 *
 * <p>The traps reproduced on purpose (spec section 2): stage-2 attention runs at half resolution
 * (depthwise stride-2 conv + BN before, bilinear x2 with half-pixel centres after); talking heads
 * are 1x1 convolutions over the head axis of the [B,8,N,N] scores, one before and one after the
 * softmax; the stage-3 downsample adds an Attention4DDownsample branch whose query is a depthwise
 * stride-2 conv (bias, no BN) plus a stride-2 subsample, with no talking heads.
 *
 * <p>Intermediate taps: {@code stem} = {@code stem.conv2.bn.act} ({@code stem.act} with the patch
 * stem); {@code stages.i} = {@code stages.i.blocks.(depth-1)}, the last block's final residual Add;
 * {@code pre_logits} = {@code pre_logits}.
 */
public final class EfficientFormerV2Builder {
    static final int HEADS = 8;

    private final ModelConfig c;
    private final Layers l;
    private final int batch;

    private EfficientFormerV2Builder(String name, ModelConfig c, WeightSource w, int batch) {
        this.c = c;
        this.l = new Layers(new Graph(name), w);
        this.batch = batch;
    }

    /** Builds the graph, pulling every weight from {@code weights}, then calls {@code weights.finish()}. */
    public static BuiltModel build(String name, ModelConfig config, WeightSource weights, int batch) {
        if (config.family() != Family.V2) throw new IllegalArgumentException("not an EfficientFormerV2 config");
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1");
        return new EfficientFormerV2Builder(name, config, weights, batch).build(weights);
    }

    private BuiltModel build(WeightSource weights) {
        Graph g = l.g;
        Map<String, String> taps = new LinkedHashMap<>();
        Value x = g.addInput("input", ValueType.f32(batch, 3, c.imageSize(), c.imageSize()));
        x = c.stem() == ModelConfig.Stem.PATCH ? l.patchStem(x, c.embedDim(0), c.patchSize(), true) : stem(x);
        taps.put("stem", x.name());
        for (int i = 0; i < 4; i++) {
            x = stage(i, x);
            taps.put("stages." + i, x.name());
        }
        x = l.batchNorm("norm", x);
        x = l.op("ReduceMean", "pre_logits", Attributes.of("axes", new int[] {2, 3}, "keepdims", 0), x);
        taps.put("pre_logits", x.name());
        g.addOutput(l.classifier(x, c.numClasses(), c.distillation()));
        weights.finish();
        GraphVerifier.verify(g);
        return new BuiltModel(g, taps);
    }

    /** timm ConvNormAct: {@code name.conv}, {@code name.bn}, GELU {@code name.bn.act} (BatchNormAct2d's act). */
    private Value convNormAct(String name, Value x, int out, int k, int stride, int pad, int groups) {
        return l.gelu(name + ".bn.act", convNorm(name, x, out, k, stride, pad, groups));
    }

    /** timm ConvNorm: {@code name.conv} then {@code name.bn}. */
    private Value convNorm(String name, Value x, int out, int k, int stride, int pad, int groups) {
        return l.batchNorm(name + ".bn", l.conv(name + ".conv", x, out, k, stride, pad, groups));
    }

    private Value stem(Value x) {
        int c0 = c.embedDim(0);
        x = convNormAct("stem.conv1", x, c0 / 2, 3, 2, 1, 1);
        return convNormAct("stem.conv2", x, c0, 3, 2, 1, 1);
    }

    private Value stage(int i, Value x) {
        String s = "stages." + i;
        int dim = c.embedDim(i);
        if (i > 0) {
            String d = s + ".downsample";
            Value conv = convNorm(d + ".conv", x, dim, 3, 2, 1, 1);
            // Only the last downsample carries the attention branch (timm: downsample_use_attn = i >= 3).
            x = i == 3 ? l.add(d, attentionDownsample(d + ".attn", x, dim), conv) : conv;
        }
        int depth = c.depth(i);
        for (int j = 0; j < depth; j++) {
            boolean attn = i >= 2 && j > depth - c.numVit() - 1;
            x = block(s + ".blocks." + j, x, c.mlpHidden(i, j), attn, i == 2);
        }
        return x;
    }

    private Value block(String p, Value x, int hidden, boolean attn, boolean strided) {
        int dim = x.shape().dim(1);
        if (attn) x = l.add(p + ".add1", x, l.layerScale4d(p + ".ls1", attention(p + ".token_mixer", x, strided)));
        Value m = convNormAct(p + ".mlp.fc1", x, hidden, 1, 1, 0, 1);
        m = convNormAct(p + ".mlp.mid", m, hidden, 3, 1, 1, hidden);
        m = convNorm(p + ".mlp.fc2", m, dim, 1, 1, 0, 1);
        return l.add(p, x, l.layerScale4d(p + ".ls2", m));
    }

    /** Attention2d: heads 8, key_dim 32, value dim 128, talking heads, optional stride 2. */
    private Value attention(String a, Value x, boolean strided) {
        final int keyDim = 32, valDim = 128;
        int dim = x.shape().dim(1), h = x.shape().dim(2), w = x.shape().dim(3);
        Value xs = strided ? convNorm(a + ".stride_conv", x, dim, 3, 2, 1, dim) : x;
        int r = square(a, xs);
        int n = r * r;
        Value q = convNorm(a + ".q", xs, HEADS * keyDim, 1, 1, 0, 1);
        q = l.transpose(a + ".q.permute", l.reshape(a + ".q.reshape", q, batch, HEADS, keyDim, n), 0, 1, 3, 2); // [B,h,N,32]
        Value k = convNorm(a + ".k", xs, HEADS * keyDim, 1, 1, 0, 1);
        k = l.reshape(a + ".k.reshape", k, batch, HEADS, keyDim, n); // [B,h,32,N]: already "transposed"
        Value v = convNorm(a + ".v", xs, HEADS * valDim, 1, 1, 0, 1);
        Value vLocal = convNorm(a + ".v_local", v, HEADS * valDim, 3, 1, 1, HEADS * valDim);
        v = l.transpose(a + ".v.permute", l.reshape(a + ".v.reshape", v, batch, HEADS, valDim, n), 0, 1, 3, 2); // [B,h,N,128]

        Value s = l.op("MatMul", a + ".qk", q, k);
        s = l.mul(a + ".scaled", s, l.scalar(a + ".scale", (float) Math.pow(keyDim, -0.5)));
        s = l.add(a + ".biased", s, l.attentionBias(a, HEADS, n, AttentionIndex.square(r)));
        s = l.conv(a + ".talking_head1", s, HEADS, 1, 1, 0, 1);
        s = l.op("Softmax", a + ".softmax", Attributes.of("axis", -1), s);
        s = l.conv(a + ".talking_head2", s, HEADS, 1, 1, 0, 1);

        Value o = l.op("MatMul", a + ".attn_v", s, v); // [B,h,N,128]
        o = l.transpose(a + ".merge_transpose", o, 0, 1, 3, 2); // [B,h,128,N]
        o = l.reshape(a + ".merge", o, batch, HEADS * valDim, r, r); // channel = head*128 + j
        o = l.add(a + ".add_local", o, vLocal);
        if (strided) {
            o = l.op("Resize", a + ".upsample", Attributes.of("scales", new double[] {2, 2}, "mode", "linear",
                    "coordinate_transformation_mode", "half_pixel"), o);
            if (o.shape().dim(2) != h || o.shape().dim(3) != w) {
                throw new FormworkException("model " + l.g.name() + ": key \"image_size\": " + c.imageSize() + " gives a " + h + "x" + w
                        + " map in stage 3, which EfficientFormerV2's stride-2 attention cannot round-trip (needs an even size)");
            }
        }
        o = l.gelu(a + ".act", o);
        return convNorm(a + ".proj", o, dim, 1, 1, 0, 1);
    }

    /**
     * Attention2dDownsample (C2 at r x r -> outDim at ceil(r/2)): heads 8, key_dim 16, value dim 64,
     * scale 0.25, keys on the full grid, queries from the LocalGlobalQuery, no talking heads.
     */
    private Value attentionDownsample(String a, Value x, int outDim) {
        final int keyDim = 16, valDim = 64;
        int dim = x.shape().dim(1);
        int r = square(a, x), n = r * r;
        Value local = l.conv(a + ".q.local", x, dim, 3, 2, 1, dim);
        Value pool = l.op("AveragePool", a + ".q.pool", Attributes.of("kernel", new int[] {1, 1}, "strides", new int[] {2, 2}), x);
        Value q = convNorm(a + ".q.proj", l.add(a + ".q.sum", local, pool), HEADS * keyDim, 1, 1, 0, 1);
        int r2 = q.shape().dim(2), n2 = r2 * r2;
        q = l.transpose(a + ".q.permute", l.reshape(a + ".q.reshape", q, batch, HEADS, keyDim, n2), 0, 1, 3, 2); // [B,h,N2,16]
        Value k = convNorm(a + ".k", x, HEADS * keyDim, 1, 1, 0, 1);
        k = l.reshape(a + ".k.reshape", k, batch, HEADS, keyDim, n); // [B,h,16,N]
        Value v = convNorm(a + ".v", x, HEADS * valDim, 1, 1, 0, 1);
        Value vLocal = convNorm(a + ".v_local", v, HEADS * valDim, 3, 2, 1, HEADS * valDim); // [B,512,r2,r2]
        v = l.transpose(a + ".v.permute", l.reshape(a + ".v.reshape", v, batch, HEADS, valDim, n), 0, 1, 3, 2); // [B,h,N,64]

        Value s = l.op("MatMul", a + ".qk", q, k); // [B,h,N2,N]
        s = l.mul(a + ".scaled", s, l.scalar(a + ".scale", (float) Math.pow(keyDim, -0.5)));
        s = l.add(a + ".biased", s, l.attentionBias(a, HEADS, n, AttentionIndex.downsample(r)));
        s = l.op("Softmax", a + ".softmax", Attributes.of("axis", -1), s);
        Value o = l.op("MatMul", a + ".attn_v", s, v); // [B,h,N2,64]
        o = l.transpose(a + ".merge_transpose", o, 0, 1, 3, 2);
        o = l.reshape(a + ".merge", o, batch, HEADS * valDim, r2, r2);
        o = l.gelu(a + ".act", l.add(a + ".add_local", o, vLocal));
        return convNorm(a + ".proj", o, outDim, 1, 1, 0, 1);
    }

    private static int square(String where, Value x) {
        if (x.shape().dim(2) != x.shape().dim(3)) throw new IllegalStateException(where + ": non-square map " + x.shape());
        return x.shape().dim(2);
    }
}
