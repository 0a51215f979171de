package dev.formwork.cli.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.formwork.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A golden mismatch fails the release naming the artifact; bad release files are refused before any job. */
class ReleaseChecksTest {
    @TempDir
    Path dir;

    @Test
    void alteredGoldenOutputFailsTheReleaseAndIsRecorded() throws Exception {
        Path expected = dir.resolve("expected.npy");
        byte[] y = Files.readAllBytes(TestData.golden("tiny_v1_64").resolve("expected.npy"));
        ByteBuffer b = ByteBuffer.wrap(y).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(y.length - 4, b.getFloat(y.length - 4) + 0.25f); // the last logit
        Files.write(expected, y);
        Map<String, Object> model = new LinkedHashMap<>(Releases.goldenModel("tiny", "tiny_v1_64", 2, 2e-5));
        model.put("golden", List.of(Map.of("input", TestData.golden("tiny_v1_64").resolve("input.npy").toString(),
                "expected", "expected.npy", "atol", 2e-5)));
        Path release = Releases.write(dir, "release.json", List.of(model), Releases.targets("onnx"));

        Releases.Outcome o = Releases.run("release", release.toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, o.exit(), o.err());
        assertTrue(o.err().contains("check failed: tiny/onnx-fp32/tiny.onnx: golden expected.npy: max abs"), o.err());
        JsonNode m = CanonicalJson.MAPPER.readTree(dir.resolve("out").resolve(Manifest.FILE).toFile());
        assertFalse(m.get("passed").asBoolean());
        assertEquals("tiny/onnx-fp32/tiny.onnx", m.get("failed").get(0).asText());
        JsonNode g = m.get("artifacts").get(0).get("golden").get(0);
        assertFalse(g.get("passed").asBoolean());
        assertEquals(0.25, g.get("max_abs").asDouble(), 1e-3);
        assertTrue(m.get("artifacts").get(0).get("verification").get("passed").asBoolean(), "the artifact itself is right");
    }

    @Test
    void refusesBadReleaseFilesBeforeAnyJobNamingTheField() throws Exception {
        Map<String, Object> good = Releases.goldenModel("tiny", "tiny_v1_64", 2, 2e-5);
        assertRefused(model(good, "colour", "blue"), "models[0].colour: unknown field");
        assertRefused(model(good, "weights_sha256", "0".repeat(64)), "models[0].weights_sha256: declared 000");
        assertRefused(model(good, "weights", "missing.safetensors"), "models[0].weights: missing.safetensors not found");
        assertRefused(model(good, "golden", List.of(Map.of("input", "x.npy", "expected", "y.npy"))), "models[0].golden[0].input: x.npy not found");
        Path r = Releases.write(dir, "t.json", List.of(good), List.of(Map.of("target", "onnx", "min_ios", 16)));
        assertRefusal(r, "targets[0].min_ios: unknown field");
        r = Releases.write(dir, "t2.json", List.of(good), List.of(Map.of("target", "tflite"), Map.of("target", "tflite", "precision", "fp32")));
        assertRefusal(r, "targets[1]: tflite fp32 appears twice");
    }

    private Path model(Map<String, Object> good, String key, Object value) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>(good);
        m.put(key, value);
        return Releases.write(dir, "r-" + key + ".json", List.of(m), Releases.targets("onnx"));
    }

    private void assertRefused(Path release, String message) {
        assertRefusal(release, message);
    }

    private void assertRefusal(Path release, String message) {
        Path out = dir.resolve("out-" + release.getFileName());
        Releases.Outcome o = Releases.run("release", release.toString(), "--out", out.toString());
        assertEquals(2, o.exit(), o.err());
        String line = o.err().lines().filter(l -> l.startsWith("formwork: error: ")).findFirst().orElse("");
        assertTrue(line.contains(release.getFileName() + ": " + message), o.err());
        assertEquals(1, o.err().lines().filter(l -> l.startsWith("formwork:")).count(), "one line: " + o.err());
        assertFalse(Files.exists(out), "nothing written");
    }
}
