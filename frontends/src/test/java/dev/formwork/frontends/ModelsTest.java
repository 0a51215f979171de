package dev.formwork.frontends;

import static dev.formwork.frontends.testing.Errors.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.config.ConfigParser;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsTest {
    @TempDir
    Path dir;

    static NdArray randomInput(int b, int size, long seed) {
        Random r = new Random(seed);
        float[] x = new float[b * 3 * size * size];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        return NdArray.of(new int[] {b, 3, size, size}, x);
    }

    @Test
    void unknownModelListsTheZoo() {
        fails(() -> Models.load("efficientformer-l2", LoadOptions.defaults()), "unknown model \"efficientformer-l2\"",
                "efficientformer-l1, efficientformer-l3, efficientformer-l7, efficientformerv2-s0, efficientformerv2-s1, "
                        + "efficientformerv2-s2, efficientformerv2-l");
        assertEquals(7, Models.zooNames().size());
    }

    @Test
    void onnxFilesAreImported() {
        fails(() -> Models.load("some/model.onnx", LoadOptions.defaults()), "some/model.onnx: no such file");
    }

    @Test
    void badConfigFile() throws Exception {
        Path p = dir.resolve("mine.json");
        Files.writeString(p, "{\"family\": \"efficientformer\", \"depths\": [1,1,2], \"embed_dims\": [8,8,8,8]}");
        fails(() -> Models.load(p.toString(), LoadOptions.defaults()), p + ": key \"depths\": expected 4 integers, got 3");
        fails(() -> Models.load(dir.resolve("absent.json").toString(), LoadOptions.defaults()), "absent.json", "cannot read");
    }

    @Test
    void weightsFileProblems() {
        fails(() -> Models.load("efficientformerv2-s0", LoadOptions.defaults().withWeights(dir.resolve("w.safetensors"))),
                "w.safetensors: weights file not found");
    }

    @Test
    void wrongVariantWeightsSayWhatIsWrong() {
        Path tiny = dev.formwork.testing.TestData.golden("tiny_v2_64").resolve("weights.safetensors");
        fails(() -> Models.load("efficientformerv2-s0", LoadOptions.defaults().withWeights(tiny)), tiny.toString(),
                "missing keys", "shape mismatches (stem.conv1.conv.weight [8,3,3,3], model needs [16,3,3,3]");
    }

    @Test
    void customConfigWithBatchAndRandomWeights() throws Exception {
        Path p = dir.resolve("small.json");
        Files.writeString(p, ConfigParserTestData.TINY_V2);
        LoadedModel m = Models.load(p.toString(), LoadOptions.defaults().withBatch(3).withSeed(7));
        Graph g = m.graph();
        assertEquals("small", m.name());
        assertEquals("small", g.name());
        assertTrue(m.randomWeights());
        assertNull(m.weightsSha256());
        assertNull(g.metadata().get("weights_sha256"));
        assertEquals("[3,3,64,64]", g.input(0).shape().toString());
        assertEquals("[3,10]", g.output(0).shape().toString());
        NdArray out = new Interpreter(g).run(randomInput(3, 64, 1))[0];
        for (float v : out.data()) assertTrue(Float.isFinite(v) && Math.abs(v) < 100, "logit " + v);
    }

    @Test
    void randomModelsGiveSaneActivations() {
        for (String cfg : new String[] {ConfigParserTestData.TINY_V1, ConfigParserTestData.TINY_V2}) {
            ModelConfig c = ConfigParser.parse(cfg, "tiny");
            LoadedModel m = Models.build("tiny", c, LoadOptions.defaults());
            double[] maxAbs = {0};
            new Interpreter(m.graph()).run(new NdArray[] {randomInput(1, 64, 2)}, (v, d) -> {
                for (float x : d.data()) maxAbs[0] = Math.max(maxAbs[0], Math.abs(x));
            });
            // Random-weight init keeps activations O(1..100), never exploding or NaN.
            assertTrue(Double.isFinite(maxAbs[0]) && maxAbs[0] < 1e3 && maxAbs[0] > 0.1, c.family() + " max activation " + maxAbs[0]);
        }
    }

    @Test
    void imageSizeOverrideRescalesAttentionGrids() {
        LoadedModel m = Models.load("efficientformer-l1", LoadOptions.defaults().withImageSize(64));
        Graph g = m.graph();
        assertEquals(64, m.config().imageSize());
        assertEquals("[8,4]", g.constant("stages.3.blocks.4.token_mixer.attention_biases").shape().toString());
        assertEquals("[4,4]", g.constant("stages.3.blocks.4.token_mixer.attention_bias_idxs").shape().toString());
        LoadedModel v2 = Models.load("efficientformerv2-s0", LoadOptions.defaults().withImageSize(64));
        assertEquals("[8,16]", v2.graph().constant("stages.3.downsample.attn.attention_biases").shape().toString());
        assertEquals("[4,16]", v2.graph().constant("stages.3.downsample.attn.attention_bias_idxs").shape().toString());
        assertEquals("[8,4]", v2.graph().constant("stages.2.blocks.5.token_mixer.attention_biases").shape().toString());
    }

    @Test
    void v2StrideAttentionNeedsAnEvenStage3Map() {
        fails(() -> Models.load("efficientformerv2-s0", LoadOptions.defaults().withImageSize(72)), "key \"image_size\"", "5x5");
    }

    @Test
    void withoutDistillationOnlyTheHead() {
        String cfg = ConfigParserTestData.TINY_V1.replace("\"distillation\": true", "\"distillation\": false");
        LoadedModel m = Models.build("nodist", ConfigParser.parse(cfg, "nodist"), LoadOptions.defaults());
        Graph g = m.graph();
        assertNull(g.constant("head_dist.weight"));
        Node logits = g.output(0).producer();
        assertEquals("logits", logits.name());
        assertEquals("Linear", logits.opType());
        assertEquals("head.weight", logits.input(1).name());
        // Spec section 4: L1 without the distillation head.
        ModelConfig l1 = dev.formwork.frontends.config.Zoo.get("efficientformer-l1");
        ModelConfig l1NoDist = ConfigParser.parse(l1.toJson().replace("\"distillation\":true", "\"distillation\":false"), "l1");
        assertEquals(11_840_928, Models.build("l1", l1NoDist, LoadOptions.defaults()).graph().parameterCount());
    }

    @Test
    void patchStem() {
        for (String cfg : new String[] {ConfigParserTestData.TINY_V1, ConfigParserTestData.TINY_V2}) {
            String patched = cfg.replace("}", ", \"stem\": \"patch\", \"patch_size\": 4}");
            LoadedModel m = Models.build("patch", ConfigParser.parse(patched, "patch"), LoadOptions.defaults().withBatch(2));
            Graph g = m.graph();
            Node conv = g.value("stem.conv").producer();
            assertEquals("Conv", conv.opType());
            assertEquals("[16,3,4,4]", conv.input(1).shape().toString());
            assertEquals("[4,4]", java.util.Arrays.toString(conv.intArray("strides")).replace(" ", ""));
            assertEquals("BatchNorm", g.value("stem.norm").producer().opType());
            assertEquals(cfg.contains("v2") ? "Gelu" : "Relu", g.value("stem.act").producer().opType());
            assertEquals("stem.act", m.taps().get("stem"));
            assertEquals("[2,16,16,16]", g.value("stem.act").shape().toString());
            assertNull(g.constant("stem.conv1.weight"));
            assertNull(g.constant("stem.conv1.conv.weight"));
            NdArray out = new Interpreter(g).run(randomInput(2, 64, 3))[0];
            assertEquals(20, out.size());
        }
    }

    @Test
    void namesFollowTimmModulePaths() {
        Graph l1 = Models.load("efficientformer-l1", LoadOptions.defaults()).graph();
        // Flat takes block index 3, so the Meta3D block is blocks.4 (spec section 1).
        assertEquals("Transpose", l1.value("stages.3.blocks.3").producer().opType());
        Node qkv = l1.value("stages.3.blocks.4.token_mixer.qkv").producer();
        assertEquals("Linear", qkv.opType());
        assertEquals("stages.3.blocks.4.token_mixer.qkv.weight", qkv.input(1).name());
        assertEquals("[1536,448]", qkv.input(1).shape().toString());
        assertTrue(l1.constant("stem.norm1.running_var").isBuffer());
        assertTrue(l1.constant("stages.3.blocks.4.token_mixer.attention_bias_idxs").isBuffer());
        assertTrue(!l1.constant("stages.3.blocks.4.token_mixer.attention_biases").isBuffer());
        Node split = l1.value("stages.3.blocks.4.token_mixer.split:0").producer();
        assertEquals("[32,32,128]", java.util.Arrays.toString(split.ints("split")).replace(" ", ""));
        Node pool = l1.value("stages.0.blocks.0.token_mixer.pool").producer();
        assertEquals(0L, pool.i("count_include_pad"));
        Node div = l1.value("logits").producer();
        assertEquals("Div", div.opType());
        assertEquals(2f, div.input(1).constant().getFloat(0));

        Graph s0 = Models.load("efficientformerv2-s0", LoadOptions.defaults()).graph();
        assertEquals("Resize", s0.value("stages.2.blocks.4.token_mixer.upsample").producer().opType());
        assertNull(s0.value("stages.3.blocks.2.token_mixer.upsample"));
        assertNotNull(s0.value("stages.3.blocks.2.token_mixer.talking_head2"));
        assertNull(s0.value("stages.3.downsample.attn.talking_head1"));
        assertEquals("[8,196]", s0.constant("stages.3.downsample.attn.attention_biases").shape().toString());
        assertEquals("[49,196]", s0.constant("stages.3.downsample.attn.attention_bias_idxs").shape().toString());
        assertEquals(List.of("stem", "stages.0", "stages.1", "stages.2", "stages.3", "pre_logits"),
                List.copyOf(Models.load("efficientformerv2-s0", LoadOptions.defaults()).taps().keySet()));
        for (Value c : s0.constants()) {
            boolean buffer = c.name().endsWith("running_mean") || c.name().endsWith("running_var") || c.name().endsWith("_idxs")
                    || c.name().endsWith(".scale") || c.name().equals("logits.divisor");
            assertEquals(buffer, c.isBuffer(), c.name());
        }
    }
}
