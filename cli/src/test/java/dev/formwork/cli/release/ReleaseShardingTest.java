package dev.formwork.cli.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.formwork.exporters.Digests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny configs and S0 to every target: one unsharded run and three shards merged give the
 * same manifest bytes and the same artifact bytes. One share runs its jobs as child processes,
 * so the identity also covers jobs built in other JVMs.
 */
class ReleaseShardingTest {
    @TempDir
    static Path dir;

    private static Path release;
    private static Releases.Outcome whole;

    @BeforeAll
    static void releaseOnce() throws Exception {
        List<Map<String, Object>> models = List.of(
                Releases.goldenModel("tiny-v1", "tiny_v1_64", 2, 2e-5),
                Releases.goldenModel("tiny-v2", "tiny_v2_64", 2, 2e-5),
                Releases.goldenModel("s0", "s0_224", 1, 5e-5));
        release = Releases.write(dir, "release.json", models, Releases.targets(ReleaseTargets.names().toArray(String[]::new)));
        whole = Releases.run("release", release.toString(), "--out", dir.resolve("whole").toString());
    }

    @Test
    void buildsEveryModelTargetAndPrecisionAndPassesItsChecks() throws Exception {
        assertEquals(0, whole.exit(), whole.err() + whole.out());
        JsonNode m = CanonicalJson.MAPPER.readTree(dir.resolve("whole").resolve(Manifest.FILE).toFile());
        assertEquals(3 * ReleaseTargets.names().size(), m.get("artifacts").size());
        assertTrue(m.get("passed").asBoolean());
        for (JsonNode a : m.get("artifacts")) {
            Path p = dir.resolve("whole").resolve(a.get("path").asText());
            assertEquals(a.get("sha256").asText(), Digests.sha256(p), a.get("path").asText());
            assertEquals(Digests.size(p), a.get("bytes").asLong());
            assertTrue(a.get("verification").get("passed").asBoolean(), a.toString());
            assertEquals(1, a.get("golden").size());
            assertTrue(a.get("golden").get(0).get("passed").asBoolean(), a.toString());
            assertFalse(a.get("ops").isEmpty());
            assertTrue(a.get("path").asText().startsWith(a.get("model").asText() + "/" + a.get("target").asText() + "-"
                    + a.get("precision").asText() + "/"));
        }
        assertFalse(Files.exists(dir.resolve("whole").resolve(JobRunner.WORK)), "working files are removed");
    }

    @Test
    void threeSharesMergedEqualTheUnshardedRelease() throws Exception {
        assertEquals(0, whole.exit(), whole.err());
        List<String> shares = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i <= 3; i++) {
            Path share = dir.resolve("share-" + i);
            Releases.Outcome o = Releases.run("release", release.toString(), "--out", share.toString(), "--shard", i + "/3",
                    "--jobs", i == 3 ? "2" : "1");
            assertEquals(0, o.exit(), o.err());
            JsonNode m = CanonicalJson.MAPPER.readTree(share.resolve(Manifest.FILE).toFile());
            assertFalse(m.get("artifacts").isEmpty(), "every share gets work");
            for (JsonNode a : m.get("artifacts")) assertTrue(seen.add(a.get("job").asText()), "built twice: " + a.get("job"));
            shares.add(share.toString());
        }
        List<String> args = new ArrayList<>(List.of("release", "merge"));
        args.addAll(shares);
        args.addAll(List.of("--out", dir.resolve("merged").toString()));
        Releases.Outcome merged = Releases.run(args.toArray(String[]::new));
        assertEquals(0, merged.exit(), merged.err());

        Map<String, byte[]> a = Releases.tree(dir.resolve("whole")), b = Releases.tree(dir.resolve("merged"));
        assertEquals(a.keySet(), b.keySet());
        for (String f : a.keySet()) assertArrayEquals(a.get(f), b.get(f), f);

        // Merge refuses an incomplete set of shares, naming what is missing.
        Releases.Outcome partial = Releases.run("release", "merge", shares.get(0), shares.get(1), "--out", dir.resolve("partial").toString());
        assertEquals(2, partial.exit());
        assertTrue(partial.err().contains("no share built"), partial.err());
        assertFalse(Files.exists(dir.resolve("partial")));
    }
}
