package dev.formwork.cli.release;

import dev.formwork.exporters.AtomicOutput;
import dev.formwork.exporters.Digests;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code release merge}: the shares of a sharded release into one, as if one machine had built
 * everything. The shares must come from the same release file and Formwork version, each job of
 * the release must appear exactly once, and every artifact must still have the sha256 its share
 * recorded; then the artifacts are copied and the manifest written without the shard block.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merges the output folders of 'release --shard I/N' runs into one release folder.")
final class ReleaseMerge implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "1..*", description = "Output folders of the shares.")
    List<Path> shares;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The merged release folder.")
    Path out;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws IOException {
        Map<String, Object> first = null;
        Path firstFile = null;
        Map<String, Map<String, Object>> byJob = new HashMap<>();
        Map<String, Path> from = new HashMap<>();
        Set<Object> indices = new HashSet<>();
        for (Path dir : shares) {
            Path file = dir.resolve(Manifest.FILE);
            Map<String, Object> m = CanonicalJson.read(file, "release manifest");
            Map<String, Object> shard = (Map<String, Object>) m.get("shard");
            if (shard == null) throw new FormworkException(file + ": shard: missing (not the output of 'release --shard I/N')");
            if (first == null) {
                first = m;
                firstFile = file;
            } else {
                for (String key : List.of("name", "version", "release_sha256", "formwork_version")) {
                    if (!Objects.equals(first.get(key), m.get(key))) {
                        throw new FormworkException(file + ": " + key + " is " + m.get(key) + " but " + firstFile + " has " + first.get(key));
                    }
                }
                Map<String, Object> s0 = (Map<String, Object>) first.get("shard");
                if (!Objects.equals(s0.get("count"), shard.get("count")) || !Objects.equals(s0.get("release_jobs"), shard.get("release_jobs"))) {
                    throw new FormworkException(file + ": shard: a different split of the release than " + firstFile);
                }
            }
            if (!indices.add(shard.get("index"))) throw new FormworkException(file + ": shard: share " + shard.get("index") + " given twice");
            Map<String, Object> release = (Map<String, Object>) shard.get("release_jobs");
            for (Map<String, Object> a : Manifest.artifacts(m, file)) {
                String job = (String) a.get("job");
                if (!release.containsKey(job) || !Objects.equals(release.get(job), a.get("job_id"))) {
                    throw new FormworkException(file + ": artifact " + a.get("path") + ": job " + job + " is not in the release");
                }
                if (byJob.put(job, a) != null) throw new FormworkException(file + ": job " + job + " appears in " + from.get(job) + " too");
                from.put(job, dir);
            }
        }
        Map<String, Object> release = (Map<String, Object>) ((Map<String, Object>) first.get("shard")).get("release_jobs");
        List<String> missing = new ArrayList<>();
        for (String job : release.keySet()) if (!byJob.containsKey(job)) missing.add(job);
        if (!missing.isEmpty()) throw new FormworkException("release merge: no share built " + String.join(", ", missing));
        for (Map.Entry<String, Map<String, Object>> e : byJob.entrySet()) {
            Path src = from.get(e.getKey()).resolve((String) e.getValue().get("path"));
            if (!Files.exists(src) || !Digests.sha256(src).equals(e.getValue().get("sha256"))) {
                throw new FormworkException(src + ": missing or not the artifact its manifest lists (sha256 differs)");
            }
        }
        ReleaseCommand.prepare(out);
        for (Map.Entry<String, Map<String, Object>> e : byJob.entrySet()) {
            String path = (String) e.getValue().get("path");
            Path src = from.get(e.getKey()).resolve(path), dest = out.resolve(path);
            if (src.toAbsolutePath().normalize().equals(dest.toAbsolutePath().normalize())) continue;
            Files.createDirectories(dest.toAbsolutePath().getParent());
            AtomicOutput.write(dest, tmp -> Cache.copy(src, tmp));
        }
        Map<String, Object> manifest = Manifest.of((String) first.get("name"), (String) first.get("version"),
                (String) first.get("release_sha256"), (String) first.get("formwork_version"), new ArrayList<>(byJob.values()));
        Manifest.write(out, manifest);
        return ReleaseCommand.report(manifest, out.resolve(Manifest.FILE), spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
