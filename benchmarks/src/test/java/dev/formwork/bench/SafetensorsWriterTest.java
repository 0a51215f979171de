package dev.formwork.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.config.ConfigParser;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesAFileTheLoaderReadsBack() throws Exception {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("b.weight", Tensor.ofFloats(Shape.of(2, 3), 1, 2, 3, 4, 5, 6));
        t.put("a.idx", Tensor.ofLongs(Shape.of(2), 7, -8));
        t.put("c.num_batches_tracked", Tensor.ofLongs(Shape.SCALAR, 0));
        Path f = dir.resolve("x.safetensors");
        long size = SafetensorsWriter.write(f, t, Map.of("format", "pt"));
        assertEquals(Files.size(f), size);
        assertEquals(0, (8 + SafetensorsWriter.headerOf(f).length()) % 8, "data starts 8-byte aligned");
        SafetensorsFile st = SafetensorsFile.open(f);
        assertEquals(java.util.List.of("a.idx", "b.weight", "c.num_batches_tracked"), st.keys());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, st.tensor("b.weight").toFloatArray());
        assertArrayEquals(new long[] {7, -8}, st.tensor("a.idx").toLongArray());
        assertEquals("pt", st.metadata().get("format"));
    }

    /** The recorded random checkpoint loads with no missing or unexpected key and gives the zoo's weights. */
    @Test
    void recordedCheckpointLoadsAsTheRandomModel() throws Exception {
        String json = "{\"family\": \"efficientformer\", \"depths\": [1,1,1,2], \"embed_dims\": [8,16,24,32], \"num_vit\": 1,"
                + " \"num_classes\": 10, \"image_size\": 64, \"distillation\": true}";
        ModelConfig cfg = ConfigParser.parse(json, "test");
        Map<String, Tensor> sd = Checkpoint.record(cfg, "tiny", 3);
        assertTrue(sd.keySet().stream().anyMatch(k -> k.endsWith(".num_batches_tracked")));
        assertTrue(sd.keySet().stream().anyMatch(k -> k.endsWith(".attention_bias_idxs")));
        Path f = dir.resolve("tiny.safetensors");
        SafetensorsWriter.write(f, sd, Map.of());
        Graph fromFile = Models.build("tiny", cfg, LoadOptions.defaults().withWeights(f)).graph();
        Graph random = Models.build("tiny", cfg, LoadOptions.defaults().withSeed(3)).graph();
        for (Value c : random.constants()) {
            assertTrue(c.constant().contentEquals(fromFile.constant(c.name()).constant()), c.name());
        }
    }
}
