package dev.formwork.cli.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.formwork.testing.TestData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --cache: an unchanged release rebuilds nothing; new weights for one model rebuild exactly its jobs, and diff says why. */
class ReleaseCacheTest {
    @TempDir
    Path dir;

    @Test
    void rebuildsExactlyTheJobsWhoseInputsChanged() throws Exception {
        Path cache = dir.resolve("cache");
        List<Map<String, Object>> targets = Releases.targets("onnx", "tflite:fp16");
        // tiny-v1 has no golden pair: its new weights below would not reproduce the stored outputs.
        Map<String, Object> v1 = new LinkedHashMap<>(Releases.goldenModel("tiny-v1", "tiny_v1_64", 2, 2e-5));
        v1.remove("golden");
        Map<String, Object> v2 = Releases.goldenModel("tiny-v2", "tiny_v2_64", 2, 2e-5);
        Path release = Releases.write(dir, "release.json", List.of(v1, v2), targets);

        Releases.Outcome first = Releases.run("release", release.toString(), "--out", dir.resolve("r1").toString(), "--cache", cache.toString());
        assertEquals(0, first.exit(), first.err());
        assertEquals(0, manifest("r1").get("jobs_from_cache").asInt());

        Releases.Outcome second = Releases.run("release", release.toString(), "--out", dir.resolve("r2").toString(), "--cache", cache.toString());
        assertEquals(0, second.exit(), second.err());
        JsonNode m2 = manifest("r2");
        assertEquals(4, m2.get("jobs_from_cache").asInt());
        for (JsonNode a : m2.get("artifacts")) assertTrue(a.get("from_cache").asBoolean(), a.get("job").asText());
        Map<String, byte[]> t1 = Releases.tree(dir.resolve("r1")), t2 = Releases.tree(dir.resolve("r2"));
        for (String f : t1.keySet()) if (!f.equals(Manifest.FILE)) assertArrayEquals(t1.get(f), t2.get(f), f);

        // New weights for tiny-v1: the same checkpoint with one classifier bias moved by 1.
        Path weights = dir.resolve("tiny_v1_retrained.safetensors");
        Files.write(weights, withBiasMoved(Files.readAllBytes(TestData.golden("tiny_v1_64").resolve("weights.safetensors")), "head.bias"));
        v1.put("weights", weights.getFileName().toString());
        Path changed = Releases.write(dir, "release-2.json", List.of(v1, v2), targets);
        Releases.Outcome third = Releases.run("release", changed.toString(), "--out", dir.resolve("r3").toString(), "--cache", cache.toString());
        assertEquals(0, third.exit(), third.err());
        JsonNode m3 = manifest("r3");
        assertEquals(2, m3.get("jobs_from_cache").asInt());
        for (JsonNode a : m3.get("artifacts")) {
            assertEquals(!a.get("model").asText().equals("tiny-v1"), a.get("from_cache").asBoolean(), a.get("job").asText());
        }

        Releases.Outcome diff = Releases.run("release", "diff", dir.resolve("r3").resolve(Manifest.FILE).toString(),
                dir.resolve("r1").resolve(Manifest.FILE).toString());
        assertEquals(1, diff.exit(), diff.out());
        assertTrue(diff.out().contains("0 added, 0 removed, 2 changed, 2 unchanged"), diff.out());
        for (String path : List.of("tiny-v1/onnx-fp32/tiny-v1.onnx", "tiny-v1/tflite-fp16/tiny-v1.tflite")) {
            assertTrue(diff.out().contains("changed  " + path + "  cause: weights"), diff.out());
        }
        Releases.Outcome same = Releases.run("release", "diff", dir.resolve("r2").resolve(Manifest.FILE).toString(),
                dir.resolve("r1").resolve(Manifest.FILE).toString());
        assertEquals(0, same.exit(), same.out());
        assertTrue(same.out().contains("0 added, 0 removed, 0 changed, 4 unchanged"), same.out());
    }

    private JsonNode manifest(String run) throws Exception {
        return CanonicalJson.MAPPER.readTree(dir.resolve(run).resolve(Manifest.FILE).toFile());
    }

    /** The safetensors bytes with the first float of {@code key} increased by 1. */
    private static byte[] withBiasMoved(byte[] file, String key) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) b.getLong(0);
        JsonNode header = CanonicalJson.MAPPER.readTree(new String(file, 8, headerLength, StandardCharsets.UTF_8));
        int at = 8 + headerLength + header.get(key).get("data_offsets").get(0).asInt();
        b.putFloat(at, b.getFloat(at) + 1f);
        return file;
    }
}
