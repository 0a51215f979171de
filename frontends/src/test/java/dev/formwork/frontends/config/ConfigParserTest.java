package dev.formwork.frontends.config;

import static dev.formwork.frontends.testing.Errors.fails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {
    @TempDir
    Path dir;

    static final String TINY_V1 = "{\"family\": \"efficientformer\", \"depths\": [1,1,2,2], \"embed_dims\": [16,32,48,64], "
            + "\"num_vit\": 1, \"num_classes\": 10, \"image_size\": 64, \"distillation\": true}";

    @Test
    void goldenConfigs() {
        ModelConfig v1 = ConfigParser.parse(TestData.golden("tiny_v1_64").resolve("config.json"));
        assertEquals(Family.V1, v1.family());
        assertArrayEquals(new int[] {1, 1, 2, 2}, v1.depths());
        assertEquals(2, v1.attentionResolution());
        assertEquals(4.0, v1.mlpRatio(3, 1));
        ModelConfig v2 = ConfigParser.parse(TestData.golden("tiny_v2_64").resolve("config.json"));
        assertEquals(3.0, v2.mlpRatio(2, 1));
        assertEquals(3.0, v2.mlpRatio(3, 0));
        assertEquals(96, v2.mlpHidden(2, 1));
        assertEquals(16, v2.stageResolution(0));
        assertEquals(2, v2.stageResolution(3));
        // The s0_224 config is exactly the zoo's S0.
        assertEquals(Zoo.get("efficientformerv2-s0"), ConfigParser.parse(TestData.golden("s0_224").resolve("config.json")));
    }

    @Test
    void defaults() {
        ModelConfig c = ConfigParser.parse("{\"family\": \"efficientformer\", \"depths\": [1,1,1,2], \"embed_dims\": [8,8,8,8], \"num_vit\": 1}", "x.json");
        assertEquals(1000, c.numClasses());
        assertEquals(224, c.imageSize());
        assertTrue(c.distillation());
        assertEquals(7, c.attentionResolution());
        assertEquals(ModelConfig.Stem.CONV, c.stem());
        // V2 without mlp_ratios: a zoo variant's depths get its per-block ratios, others 4.
        ModelConfig s1 = ConfigParser.parse("{\"family\": \"efficientformerv2\", \"depths\": [3,3,9,6], \"embed_dims\": [32,48,120,224], \"num_vit\": 2}", "s1.json");
        assertEquals(Zoo.get("efficientformerv2-s1"), s1);
        ModelConfig other = ConfigParser.parse("{\"family\": \"efficientformerv2\", \"depths\": [1,1,2,2], \"embed_dims\": [8,8,8,8]}", "o.json");
        assertEquals(4.0, other.mlpRatio(2, 1));
        assertEquals(0, other.numVit());
    }

    @Test
    void roundTripsThroughJson() {
        for (String name : Zoo.names()) assertEquals(Zoo.get(name), ConfigParser.parse(Zoo.get(name).toJson(), name));
        ModelConfig p = ConfigParser.parse(TINY_V1.replace("}", ", \"stem\": \"patch\", \"patch_size\": 4}"), "p.json");
        assertEquals(p, ConfigParser.parse(p.toJson(), "again"));
    }

    @Test
    void wrongDepthCountNamesFileAndKey() throws Exception {
        Path p = dir.resolve("config.json");
        Files.writeString(p, TINY_V1.replace("[1,1,2,2]", "[1,2,2]"));
        fails(() -> ConfigParser.parse(p), p + ": key \"depths\": expected 4 integers, got 3");
    }

    @Test
    void unknownKey() {
        fails(() -> ConfigParser.parse(TINY_V1.replace("\"num_vit\"", "\"num_vits\""), "config.json"),
                "config.json: unknown key \"num_vits\"", "known: family, depths");
    }

    @Test
    void badValues() {
        fails(() -> ConfigParser.parse(TINY_V1.replace("efficientformer\"", "efficientformer3\""), "c.json"), "c.json: key \"family\"");
        fails(() -> ConfigParser.parse(TINY_V1.replace("\"num_vit\": 1", "\"num_vit\": 3"), "c.json"), "c.json: key \"num_vit\"", "1..2");
        fails(() -> ConfigParser.parse(TINY_V1.replace("\"num_vit\": 1", "\"num_vit\": 0"), "c.json"), "key \"num_vit\"");
        fails(() -> ConfigParser.parse(TINY_V1.replace("48,64]", "48,\"64\"]"), "c.json"), "key \"embed_dims\"", "entry 3");
        fails(() -> ConfigParser.parse(TINY_V1.replace("true", "1"), "c.json"), "key \"distillation\"");
        fails(() -> ConfigParser.parse(TINY_V1.replace("\"image_size\": 64", "\"image_size\": 6.5"), "c.json"), "key \"image_size\"");
        fails(() -> ConfigParser.parse(TINY_V1.replace("}", ", \"mlp_ratios\": [4,4,4,4]}"), "c.json"), "key \"mlp_ratios\"", "one number");
        fails(() -> ConfigParser.parse(TINY_V1.replace("}", ", \"patch_size\": 4}"), "c.json"), "key \"patch_size\"");
        fails(() -> ConfigParser.parse(TINY_V1.replace("}", ", \"stem\": \"pixel\"}"), "c.json"), "key \"stem\"");
        String v2 = "{\"family\": \"efficientformerv2\", \"depths\": [1,1,2,2], \"embed_dims\": [16,24,32,48], \"mlp_ratios\": [4, 4, [4], [3, 4]]}";
        fails(() -> ConfigParser.parse(v2, "v2.json"), "v2.json: key \"mlp_ratios\": stage 2 has 2 blocks, got 1 ratios");
        fails(() -> ConfigParser.parse("{\"family\": \"efficientformer\"}", "c.json"), "c.json: key \"depths\": missing");
        fails(() -> ConfigParser.parse("[1]", "c.json"), "c.json: expected a JSON object");
        fails(() -> ConfigParser.parse("{\"family\": ", "c.json"), "c.json: not valid JSON");
        fails(() -> ConfigParser.parse("{\"family\": \"efficientformer\", \"family\": \"efficientformer\"}", "c.json"), "c.json: not valid JSON", "family");
    }

    @Test
    void zoo() {
        assertEquals(7, Zoo.names().size());
        assertEquals("efficientformer-l1", Zoo.names().get(0));
        ModelConfig l = Zoo.get("efficientformerv2-l");
        assertEquals(6, l.numVit());
        assertEquals(3.0, l.mlpRatio(3, 3));
        assertEquals(4.0, l.mlpRatio(2, 11));
        assertEquals(7, Zoo.get("efficientformer-l7").attentionResolution());
        assertEquals(2, Zoo.get("efficientformer-l7").withImageSize(64).attentionResolution());
        assertFalse(Zoo.has("efficientformer-l2"));
    }
}
