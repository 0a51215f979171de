package dev.formwork.cli.release;

import dev.formwork.exporters.AtomicOutput;
import dev.formwork.exporters.Digests;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * {@code --cache DIR}: finished jobs stored under their job id ({@code DIR/<id>/} holds the
 * artifact and the job's manifest entry). An unchanged id means unchanged inputs, so the stored
 * artifact is what a rebuild would write; it is copied out instead, after its sha256 is checked
 * against the stored entry (a damaged entry is rebuilt, not trusted).
 */
final class Cache {
    private static final String ENTRY = "result.json";

    private final Path dir;

    Cache(Path dir) {
        this.dir = dir;
    }

    static Cache open(Path dir) {
        if (dir == null) return null;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new FormworkException("--cache " + dir + ": cannot create (" + e.getMessage() + ")");
        }
        return new Cache(dir);
    }

    /** The job's entry with {@code from_cache} set, its artifact copied to {@code dest}; null on a miss. */
    Map<String, Object> restore(Job job, Path dest) throws IOException {
        Path entry = dir.resolve(job.id());
        Path stored = entry.resolve(dest.getFileName().toString());
        if (!Files.isRegularFile(entry.resolve(ENTRY)) || !Files.exists(stored)) return null;
        Map<String, Object> result = new TreeMap<>(CanonicalJson.read(entry.resolve(ENTRY), "cache entry"));
        if (!Digests.sha256(stored).equals(result.get("sha256"))) return null;
        Files.createDirectories(dest.toAbsolutePath().getParent());
        AtomicOutput.write(dest, tmp -> copy(stored, tmp));
        result.put("from_cache", true);
        return result;
    }

    /** Stores a freshly built job (unless an entry for its id is already there). */
    void store(Job job, Path artifact, Map<String, Object> result) throws IOException {
        Path entry = dir.resolve(job.id());
        if (Files.isRegularFile(entry.resolve(ENTRY))) return;
        AtomicOutput.write(entry, tmp -> {
            Files.createDirectories(tmp);
            copy(artifact, tmp.resolve(artifact.getFileName().toString()));
            Files.write(tmp.resolve(ENTRY), CanonicalJson.bytes(result));
        });
    }

    /** Copies a file or a folder tree (an .mlpackage). */
    static void copy(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.copy(from, to);
            return;
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.sorted().toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
    }
}
