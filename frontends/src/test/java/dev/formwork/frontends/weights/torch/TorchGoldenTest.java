package dev.formwork.frontends.weights.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Real torch.save checkpoints through Models.load and the reference interpreter, against the golden logits. */
class TorchGoldenTest {
    static final double TOL = 2e-5;

    @TempDir
    Path dir;

    static double run(String kase, Path weights) {
        Path g = TestData.golden(kase);
        NdArray input = Npy.read(g.resolve("input.npy"));
        NdArray expected = Npy.read(g.resolve("expected.npy"));
        LoadedModel m = Models.load(g.resolve("config.json").toString(), new LoadOptions(input.shape()[0], null, weights, 0));
        assertFalse(m.randomWeights());
        assertEquals(SafetensorsFile.sha256(weights), m.graph().metadata().get("weights_sha256"));
        assertEquals(SafetensorsFile.sha256(weights), m.weightsSha256());
        NdArray out = new Interpreter(m.graph()).run(input)[0];
        assertArrayEquals(expected.shape(), out.shape());
        double err = 0;
        for (int i = 0; i < out.data().length; i++) err = Math.max(err, Math.abs((double) out.data()[i] - expected.data()[i]));
        System.out.printf("golden %s/%s: logits max-abs %.3e%n", kase, weights.getFileName(), err);
        return err;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "tiny_v1_64, tiny_v1_64_timm.bin",
        "tiny_v2_64, tiny_v2_64_original.pth",
        "tiny_v1_64, tiny_v1_64_state_dict.pt",
    })
    void matchesReference(String kase, String fixture) {
        double err = run(kase, TorchZips.fixture(fixture));
        assertTrue(err <= TOL, "logits max-abs " + err + " > " + TOL);
    }

    @Test
    void storedTensorsAreViewsOfTheMappedFile() {
        Path f = TorchZips.fixture("tiny_v1_64_timm.bin");
        Graph g = Models.load(TestData.golden("tiny_v1_64").resolve("config.json").toString(), new LoadOptions(1, null, f, 0)).graph();
        assertTrue(g.constant("head.weight").constant().data().isDirect());
        assertTrue(g.constant("stem.conv1.weight").constant().data().isDirect());

        // The state_dict fixture: head.weight was saved transposed (a strided view) -> one contiguous heap copy;
        // norm.weight / norm.bias are windows of one storage -> views at their offsets.
        Path s = TorchZips.fixture("tiny_v1_64_state_dict.pt");
        Graph h = Models.load(TestData.golden("tiny_v1_64").resolve("config.json").toString(), new LoadOptions(1, null, s, 0)).graph();
        assertFalse(h.constant("head.weight").constant().data().isDirect());
        assertTrue(h.constant("norm.weight").constant().data().isDirect());
        assertTrue(h.constant("norm.bias").constant().data().isDirect());
        assertTrue(h.constant("head.weight").constant().contentEquals(g.constant("head.weight").constant()));
    }

    /** Torch 2.x layout ("archive/" folder, a byteorder record) and a deflated re-zip load the same weights. */
    @Test
    void torch2LayoutAndDeflatedEntries() {
        Map<String, byte[]> e = TorchZips.rePrefix(TorchZips.entries(TorchZips.fixture("tiny_v1_64_timm.bin")), "archive");
        e.put("archive/byteorder", "little".getBytes());
        // torch 2.x's other records: read past, they say nothing the tensors need.
        e.put("archive/.data/serialization_id", "1234567890123456789012345678901234567890".getBytes());
        e.put("archive/.format_version", "1".getBytes());
        e.put("archive/.storage_alignment", "64".getBytes());
        Path stored = TorchZips.write(dir.resolve("t2.bin"), e, false);
        assertTrue(run("tiny_v1_64", stored) <= TOL);
        Path deflated = TorchZips.write(dir.resolve("deflated.pth"), e, true);
        assertTrue(run("tiny_v1_64", deflated) <= TOL);
        Graph g = Models.load(TestData.golden("tiny_v1_64").resolve("config.json").toString(), new LoadOptions(1, null, deflated, 0)).graph();
        assertFalse(g.constant("head.weight").constant().data().isDirect()); // inflated into the heap
    }
}
