package dev.formwork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.formwork.exporters.Exporters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Section 5: {@code formwork release} of the tiny golden configs, S0 and L1 to every target, as a
 * whole process: in one process ({@code --jobs 1}), as two parallel job processes
 * ({@code --jobs 2}, filling a cache), and the second run of the unchanged release from that
 * cache. The manifests of the two cold runs must be the same bytes; the section says whether
 * they were.
 */
final class ReleaseBench {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchConfig cfg;
    private final LauncherFlags.Flags launcher;

    ReleaseBench(BenchConfig cfg) {
        this.cfg = cfg;
        this.launcher = LauncherFlags.read(cfg.repo);
    }

    Section run() throws Exception {
        Section s = new Section("release", "5. Release: `release` of tiny-v1, tiny-v2, S0 and L1 to every target");
        Path work = cfg.work.resolve("release");
        deleteTree(work);
        Files.createDirectories(work);
        Path l1 = work.resolve("efficientformer-l1.safetensors");
        long l1Bytes = Checkpoint.write(l1, "efficientformer-l1", 0, cfg.log);
        Path release = writeRelease(work, l1);
        int jobs = 4 * Exporters.targets().size();
        s.method("The release file (bench-out/release/release.json) lists four models: the golden cases tiny_v1_64, tiny_v2_64 (batch 2) "
                + "and s0_224 with their weights and golden pairs from testdata/golden, and efficientformer-l1 with a seeded random "
                + "checkpoint (" + Fmt.mb(l1Bytes) + " MB), each to every target at its default precision ("
                + String.join(", ", Exporters.targets()) + "): " + jobs + " jobs. Each job converts, verifies against the reference "
                + "interpreter and runs its golden inputs on the artifact's runtime.");
        s.method("Each row is one `java " + String.join(" ", flags()) + " -jar cli/target/formwork-cli.jar release release.json --out DIR ...` "
                + "child process (the `./formwork` launcher's JVM flags, " + launcher.source() + "), wall time from start to exit, peak RSS "
                + "of the release process itself (the worker processes of `--jobs 2` not included). `--jobs 2` fills an empty cache; the cached row "
                + "is the same command again, every job copied from the cache. One run per row: a full release takes minutes.");

        Table t = s.table("release", "Release wall time (" + jobs + " jobs)")
                .column("run", "run")
                .column("wall_s", "wall s")
                .column("from_cache", "jobs from cache")
                .column("peak_rss_mb", "peak RSS MB (release process)")
                .column("manifest", "manifest");
        Path cache = work.resolve("cache");
        Map<String, String> manifests = new LinkedHashMap<>();
        String[][] runs = {
            {"--jobs 1", "jobs1", "--jobs", "1"},
            {"--jobs 2 (empty cache)", "jobs2", "--jobs", "2", "--cache", cache.toString()},
            {"--jobs 2, second run (cached)", "cached", "--jobs", "2", "--cache", cache.toString()},
        };
        for (String[] r : runs) {
            Path out = work.resolve(r[1]);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(flags());
            cmd.addAll(List.of("-jar", cfg.cliJar.toString(), "release", release.toString(), "--out", out.toString()));
            cmd.addAll(Arrays.asList(r).subList(2, r.length));
            cfg.log.println("bench: release " + r[0]);
            ProcessMeter.Run run = ProcessMeter.run(cmd, cfg.repo.toFile(), work.resolve(r[1] + ".out"), work.resolve(r[1] + ".err"));
            Map<String, Object> row = t.row();
            row.put("run", "`" + r[0] + "`");
            // As run from the repository (the child's working directory): no paths of this machine in the report.
            // Paths relative to the repository, and a jar built elsewhere (FORMWORK_BUILD_ROOT) by its
            // name only, so that the JSON holds no paths of the machine that ran it.
            String jar = cfg.cliJar.toString(), shown = cfg.cliJar.startsWith(cfg.repo) ? cfg.repo.relativize(cfg.cliJar).toString()
                    : "$FORMWORK_BUILD_ROOT/formwork-cli/" + cfg.cliJar.getFileName();
            row.put("command", String.join(" ", cmd).replace(cmd.get(0), "java").replace(jar, shown).replace(cfg.repo + java.io.File.separator, ""));
            if (run.exitCode() != 0) {
                row.put("manifest", "failed: exit code " + run.exitCode());
                s.note("`release " + r[0] + "` exited with " + run.exitCode() + "; see bench-out/release/" + r[1] + ".err");
                continue;
            }
            Path manifest = out.resolve("release-manifest.json");
            JsonNode m = JSON.readTree(manifest.toFile());
            row.put("wall_s", Fmt.num(run.wallMs() / 1000));
            row.put("wall_seconds", run.wallMs() / 1000);
            row.put("from_cache", m.get("jobs_from_cache").asInt() + " of " + m.get("jobs").asInt());
            row.put("peak_rss_mb", Fmt.num(run.peakRssBytes() / Fmt.MB));
            manifests.put(r[0], Files.readString(manifest));
            cfg.log.printf(Locale.ROOT, "bench:   %.1f s%n", run.wallMs() / 1000);
        }
        String cold1 = manifests.get(runs[0][0]), cold2 = manifests.get(runs[1][0]), cached = manifests.get(runs[2][0]);
        for (Map<String, Object> row : t.rows()) {
            if (row.containsKey("manifest")) continue;
            if (String.valueOf(row.get("run")).contains("cached")) {
                row.put("manifest", cold1 != null && hashes(cached).equals(hashes(cold1)) ? "same artifacts (sha256) as the cold runs"
                        : "artifacts differ from the cold runs");
            } else {
                row.put("manifest", cold1 != null && cold1.equals(cold2) ? "same bytes in both cold runs" : "differs between the cold runs");
            }
        }
        return s;
    }

    /** path -> sha256 of every artifact in a manifest. */
    private static Map<String, String> hashes(String manifest) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        for (JsonNode a : JSON.readTree(manifest).get("artifacts")) h.put(a.get("path").asText(), a.get("sha256").asText());
        return h;
    }

    private List<String> flags() {
        List<String> f = new ArrayList<>(launcher.flags());
        f.addAll(cfg.cliJavaOpts);
        return f;
    }

    private Path writeRelease(Path work, Path l1) throws IOException {
        Path golden = cfg.repo.resolve("testdata/golden");
        List<Object> models = new ArrayList<>();
        models.add(golden("tiny-v1", golden.resolve("tiny_v1_64"), 2, 2e-5));
        models.add(golden("tiny-v2", golden.resolve("tiny_v2_64"), 2, 2e-5));
        models.add(golden("s0", golden.resolve("s0_224"), 1, 5e-5));
        models.add(Map.of("name", "l1", "model", "efficientformer-l1", "weights", l1.toString()));
        List<Object> targets = new ArrayList<>();
        for (String target : Exporters.targets()) targets.add(Map.of("target", target));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", "bench");
        r.put("version", "1.0.0");
        r.put("models", models);
        r.put("targets", targets);
        Path file = work.resolve("release.json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        return file;
    }

    private static Map<String, Object> golden(String name, Path dir, int batch, double atol) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("model", dir.resolve("config.json").toString());
        m.put("weights", dir.resolve("weights.safetensors").toString());
        m.put("batch", batch);
        m.put("golden", List.of(Map.of("input", dir.resolve("input.npy").toString(), "expected", dir.resolve("expected.npy").toString(), "atol", atol)));
        return m;
    }

    private static void deleteTree(Path p) throws IOException {
        dev.formwork.exporters.AtomicOutput.deleteRecursively(p);
    }
}
