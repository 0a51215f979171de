package dev.formwork.frontends.efficientformer;

import dev.formwork.frontends.config.Family;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.frontends.weights.WeightSource;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EfficientFormer (V1) as timm's {@code EfficientFormer} computes it in eval mode.
 *
 * <p>Dataflow: Stem4 (conv3x3 s2 + BN + ReLU, twice) -> 4 stages (stage 0 without downsample,
 * stages 1..3 after conv3x3 s2 + BN) of Meta4D blocks; the last stage switches to tokens with a
 * Flat child and ends with {@code num_vit} Meta3D (attention) blocks -> LayerNorm -> mean over
 * tokens -> (head + head_dist) / 2.
 *
 * <p>The traps reproduced on purpose (spec section 1): Flat is a child of the block list, so it
 * takes a block index (L1's Meta3D is {@code blocks.4}); pooling divides by in-image pixels
 * only; the qkv projection is split per head ([32 q | 32 k | 128 v] inside each head's 192
 * features); the position bias is added after scaling and before softmax.
 *
 * <p>Intermediate taps: {@code stem} = {@code stem.act2} ({@code stem.act} with the patch stem);
 * {@code stages.i} = the last child of the stage, {@code stages.i.blocks.j} (its final residual
 * Add, or the Flat transpose); {@code pre_logits} = {@code pre_logits}.
 */
public final class EfficientFormerV1Builder {
    static final int HEADS = 8;
    static final int KEY_DIM = 32;
    static final int VAL_DIM = 4 * KEY_DIM;

    private enum Child { META4D, FLAT, META3D }

    private final ModelConfig c;
    private final Layers l;
    private final int batch;

    private EfficientFormerV1Builder(String name, ModelConfig c, WeightSource w, int batch) {
        this.c = c;
        this.l = new Layers(new Graph(name), w);
        this.batch = batch;
    }

    /** Builds the graph, pulling every weight from {@code weights}, then calls {@code weights.finish()}. */
    public static BuiltModel build(String name, ModelConfig config, WeightSource weights, int batch) {
        if (config.family() != Family.V1) throw new IllegalArgumentException("not an EfficientFormer V1 config");
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1");
        return new EfficientFormerV1Builder(name, config, weights, batch).build(weights);
    }

    private BuiltModel build(WeightSource weights) {
        Graph g = l.g;
        Map<String, String> taps = new LinkedHashMap<>();
        Value x = g.addInput("input", ValueType.f32(batch, 3, c.imageSize(), c.imageSize()));
        x = c.stem() == ModelConfig.Stem.PATCH ? l.patchStem(x, c.embedDim(0), c.patchSize(), false) : stem(x);
        taps.put("stem", x.name());
        for (int i = 0; i < 4; i++) {
            x = stage(i, x);
            taps.put("stages." + i, x.name());
        }
        x = l.layerNorm("norm", x);
        x = l.op("ReduceMean", "pre_logits", Attributes.of("axes", new int[] {1}, "keepdims", 0), x);
        taps.put("pre_logits", x.name());
        g.addOutput(l.classifier(x, c.numClasses(), c.distillation()));
        weights.finish();
        GraphVerifier.verify(g);
        return new BuiltModel(g, taps);
    }

    private Value stem(Value x) {
        int c0 = c.embedDim(0);
        x = l.relu("stem.act1", l.batchNorm("stem.norm1", l.conv("stem.conv1", x, c0 / 2, 3, 2, 1, 1)));
        return l.relu("stem.act2", l.batchNorm("stem.norm2", l.conv("stem.conv2", x, c0, 3, 2, 1, 1)));
    }

    /** timm's EfficientFormerStage child list: where Flat goes decides every later block index. */
    static List<Child> children(int depth, int numVit) {
        List<Child> out = new ArrayList<>();
        if (numVit > 0 && numVit >= depth) out.add(Child.FLAT);
        for (int b = 0; b < depth; b++) {
            int remain = depth - b - 1;
            if (numVit > 0 && numVit > remain) {
                out.add(Child.META3D);
            } else {
                out.add(Child.META4D);
                if (numVit > 0 && numVit == remain) out.add(Child.FLAT);
            }
        }
        return out;
    }

    private Value stage(int i, Value x) {
        String s = "stages." + i;
        int dim = c.embedDim(i);
        if (i > 0) x = l.batchNorm(s + ".downsample.norm", l.conv(s + ".downsample.conv", x, dim, 3, 2, 1, 1));
        int block = 0, grid = 0;
        List<Child> kids = children(c.depth(i), i == 3 ? c.numVit() : 0);
        for (int j = 0; j < kids.size(); j++) {
            String p = s + ".blocks." + j;
            switch (kids.get(j)) {
                case META4D -> x = meta4d(p, x, c.mlpHidden(i, block++));
                case FLAT -> {
                    grid = x.shape().dim(2);
                    if (x.shape().dim(3) != grid) throw new IllegalStateException("non-square map " + x.shape());
                    // [B,C,H,W] -> flatten(2) -> transpose(1,2): token n = h*W + w.
                    Value f = l.op("Flatten", p + ".flatten", Attributes.of("start", 2, "end", -1), x);
                    x = l.transpose(p, f, 0, 2, 1);
                }
                case META3D -> x = meta3d(p, x, c.mlpHidden(i, block++), grid);
            }
        }
        return x;
    }

    /** MetaBlock2d: x + ls1 * (avgpool3x3(x) - x), then x + ls2 * BN(fc2(GELU(BN(fc1(x))))). */
    private Value meta4d(String p, Value x, int hidden) {
        int dim = x.shape().dim(1);
        Value pool = l.op("AveragePool", p + ".token_mixer.pool", Attributes.of("kernel", new int[] {3, 3},
                "strides", new int[] {1, 1}, "pads", new int[] {1, 1, 1, 1}, "count_include_pad", 0), x);
        Value mixed = l.op("Sub", p + ".token_mixer", pool, x);
        x = l.add(p + ".add1", x, l.layerScale4d(p + ".ls1", mixed));
        Value m = l.batchNorm(p + ".mlp.norm1", l.conv(p + ".mlp.fc1", x, hidden, 1, 1, 0, 1));
        m = l.gelu(p + ".mlp.act", m);
        m = l.batchNorm(p + ".mlp.norm2", l.conv(p + ".mlp.fc2", m, dim, 1, 1, 0, 1));
        return l.add(p, x, l.layerScale4d(p + ".ls2", m));
    }

    /** MetaBlock1d on tokens: x + ls1 * Attn(LN1(x)), then x + ls2 * fc2(GELU(fc1(LN2(x)))). */
    private Value meta3d(String p, Value x, int hidden, int grid) {
        int dim = x.shape().dim(2);
        Value a = attention(p + ".token_mixer", l.layerNorm(p + ".norm1", x), grid);
        x = l.add(p + ".add1", x, l.layerScale3d(p + ".ls1", a));
        Value m = l.linear(p + ".mlp.fc1", l.layerNorm(p + ".norm2", x), hidden);
        m = l.linear(p + ".mlp.fc2", l.gelu(p + ".mlp.act", m), dim);
        return l.add(p, x, l.layerScale3d(p + ".ls2", m));
    }

    /**
     * timm's V1 Attention on [B, N, C]: qkv -> [B,N,8,192] split per head into q [32], k [32],
     * v [128]; softmax(q kT * 32^-0.5 + bias) v -> [B,N,1024] -> proj.
     */
    private Value attention(String a, Value x, int r) {
        int n = x.shape().dim(1), dim = x.shape().dim(2);
        if (n != r * r) throw new IllegalStateException(a + ": " + n + " tokens on a " + r + "x" + r + " grid");
        int perHead = 2 * KEY_DIM + VAL_DIM;
        Value qkv = l.linear(a + ".qkv", x, HEADS * perHead);
        Value heads = l.reshape(a + ".qkv_heads", qkv, batch, n, HEADS, perHead);
        Node split = l.g.add("Split", a + ".split", List.of(heads),
                Attributes.of("axis", -1, "split", new int[] {KEY_DIM, KEY_DIM, VAL_DIM}));
        Value q = l.transpose(a + ".q", split.output(0), 0, 2, 1, 3); // [B,h,N,32]
        Value kT = l.transpose(a + ".k_t", split.output(1), 0, 2, 3, 1); // [B,h,32,N]
        Value v = l.transpose(a + ".v", split.output(2), 0, 2, 1, 3); // [B,h,N,128]
        Value s = l.op("MatMul", a + ".qk", q, kT);
        s = l.mul(a + ".scaled", s, l.scalar(a + ".scale", (float) Math.pow(KEY_DIM, -0.5)));
        Value bias = l.attentionBias(a, HEADS, r * r, AttentionIndex.square(r));
        s = l.add(a + ".biased", s, bias);
        s = l.op("Softmax", a + ".softmax", Attributes.of("axis", -1), s);
        Value o = l.op("MatMul", a + ".attn_v", s, v); // [B,h,N,128]
        o = l.transpose(a + ".merge_transpose", o, 0, 2, 1, 3); // [B,N,h,128]
        o = l.reshape(a + ".merge", o, batch, n, HEADS * VAL_DIM); // feature = head*128 + j
        return l.linear(a + ".proj", o, dim);
    }
}
