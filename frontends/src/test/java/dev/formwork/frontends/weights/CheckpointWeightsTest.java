package dev.formwork.frontends.weights;

import static dev.formwork.frontends.testing.Errors.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.testing.SafetensorsWriter;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading real checkpoints that are subtly wrong: every problem is one line naming key and shape. */
class CheckpointWeightsTest {
    @TempDir
    Path dir;

    static Map<String, Tensor> golden(String kase, String file) {
        SafetensorsFile f = SafetensorsFile.open(TestData.golden(kase).resolve(file));
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String k : f.keys()) m.put(k, f.tensor(k));
        return m;
    }

    private LoadedModel load(String kase, Map<String, Tensor> weights, String dtype) {
        Path p = dir.resolve("weights.safetensors");
        SafetensorsWriter.write(p, weights, dtype);
        return Models.load(TestData.golden(kase).resolve("config.json").toString(),
                LoadOptions.defaults().withBatch(2).withWeights(p));
    }

    private void loadFails(String kase, Map<String, Tensor> weights, String... fragments) {
        Path p = dir.resolve("weights.safetensors");
        String[] all = new String[fragments.length + 1];
        all[0] = p.toString();
        System.arraycopy(fragments, 0, all, 1, fragments.length);
        fails(() -> load(kase, weights, "F32"), all);
    }

    @Test
    void missingKey() {
        Map<String, Tensor> w = golden("tiny_v1_64", "weights.safetensors");
        w.remove("stages.0.blocks.0.mlp.fc1.weight");
        loadFails("tiny_v1_64", w, "1 missing key (stages.0.blocks.0.mlp.fc1.weight [64,16,1,1])");
    }

    @Test
    void unexpectedKey() {
        Map<String, Tensor> w = golden("tiny_v1_64", "weights.safetensors");
        w.put("foo", Tensor.ofFloats(Shape.of(3), 1, 2, 3));
        loadFails("tiny_v1_64", w, "1 unexpected key (foo [3])");
    }

    @Test
    void wrongShape() {
        Map<String, Tensor> w = golden("tiny_v1_64", "weights.safetensors");
        w.put("head.weight", Tensor.ofFloats(Shape.of(10, 63), new float[630]));
        loadFails("tiny_v1_64", w, "1 shape mismatch (head.weight [10,63], model needs [10,64])");
    }

    @Test
    void originalCheckpointWithAnotherHeadSizeSaysSo() {
        Map<String, Tensor> w = golden("tiny_v1_64", "weights_original.safetensors");
        for (String h : new String[] {"head", "dist_head"}) {
            w.put(h + ".weight", Tensor.ofFloats(Shape.of(12, 64), new float[12 * 64]));
            w.put(h + ".bias", Tensor.ofFloats(Shape.of(12), new float[12]));
        }
        loadFails("tiny_v1_64", w, " (original naming): the checkpoint's classifier head.weight is [12,64] (12 classes), the model's [10,64]"
                + " (num_classes 10); use a config with \"num_classes\": 12; 4 shape mismatches (head.weight [12,64], model needs [10,64]");
    }

    @Test
    void allProblemsInOneMessage() {
        Map<String, Tensor> w = golden("tiny_v2_64", "weights.safetensors");
        w.remove("norm.weight");
        w.remove("stages.3.blocks.1.token_mixer.talking_head1.bias");
        w.put("extra.a", Tensor.ofFloats(Shape.of(1), 1));
        w.put("stages.2.blocks.1.ls1.gamma", Tensor.ofFloats(Shape.of(32, 1, 1), new float[32]));
        loadFails("tiny_v2_64", w, "2 missing keys (stages.3.blocks.1.token_mixer.talking_head1.bias [8], norm.weight [48])",
                "1 unexpected key (extra.a [1])", "1 shape mismatch (stages.2.blocks.1.ls1.gamma [32,1,1], model needs [32])");
    }

    @Test
    void longListsAreCut() {
        Map<String, Tensor> w = new LinkedHashMap<>();
        loadFails("tiny_v1_64", w, "121 missing keys", "... 116 more");
    }

    @Test
    void v1IndexTableMustMatch() {
        Map<String, Tensor> w = golden("tiny_v1_64", "weights.safetensors");
        String key = "stages.3.blocks.2.token_mixer.attention_bias_idxs";
        long[] idx = w.get(key).toLongArray();
        // The transposed formula |dx|*r+|dy| — a classic porting mistake.
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) idx[i * 4 + j] = Math.abs(i % 2 - j % 2) * 2L + Math.abs(i / 2 - j / 2);
        w.put(key, Tensor.ofLongs(Shape.of(4, 4), idx));
        loadFails("tiny_v1_64", w, "key \"" + key + "\"", "differs from the index", "at [0,1] the file has 2, expected 1");
    }

    @Test
    void originalNamingReportsFileKeys() {
        Map<String, Tensor> w = golden("tiny_v2_64", "weights_original.safetensors");
        w.remove("network.5.attn.q.local.0.weight");
        String key = "network.6.1.token_mixer.attention_bias_idxs";
        long[] idx = w.get(key).toLongArray();
        idx[0] = 7;
        w.put(key, Tensor.ofLongs(Shape.of(4, 4), idx));
        loadFails("tiny_v2_64", w, "key \"" + key + "\"", "at [0,0] the file has 7, expected 0");
        w.put(key, Tensor.ofLongs(Shape.of(4, 4), golden("tiny_v2_64", "weights_original.safetensors").get(key).toLongArray()));
        loadFails("tiny_v2_64", w, "(original naming)", "1 missing key (timm names) (stages.3.downsample.attn.q.local.weight [32,1,3,3])");
    }

    @Test
    void countersAndIndexTablesAreOptional() {
        Map<String, Tensor> w = golden("tiny_v1_64", "weights.safetensors");
        w.keySet().removeIf(k -> k.endsWith(".num_batches_tracked") || k.endsWith(".attention_bias_idxs"));
        LoadedModel m = load("tiny_v1_64", w, "F32");
        assertEquals(331732, m.graph().parameterCount());
    }

    @Test
    void strayCounterIsUnexpected() {
        Map<String, Tensor> w = golden("tiny_v1_64", "weights.safetensors");
        w.put("stem.norm9.num_batches_tracked", Tensor.ofLongs(Shape.SCALAR, 1));
        loadFails("tiny_v1_64", w, "1 unexpected key (stem.norm9.num_batches_tracked [])");
    }

    @Test
    void halfPrecisionCheckpointsAreWidened() {
        Path dirCase = TestData.golden("tiny_v2_64");
        NdArray input = Npy.read(dirCase.resolve("input.npy"));
        NdArray expected = Npy.read(dirCase.resolve("expected.npy"));
        for (String dtype : new String[] {"F16", "BF16"}) {
            LoadedModel m = load("tiny_v2_64", golden("tiny_v2_64", "weights.safetensors"), dtype);
            float[] got = new Interpreter(m.graph()).run(input)[0].data();
            double err = 0;
            for (int i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - expected.data()[i]));
            // Rounding the weights (not the arithmetic) costs ~1e-3 (F16) / ~1e-2 (BF16) here.
            assertTrue(err < (dtype.equals("F16") ? 5e-3 : 5e-2), dtype + " error " + err);
        }
    }
}
