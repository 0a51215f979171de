package dev.formwork.cli.release;

import dev.formwork.exporters.AtomicOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code release-manifest.json}: the release's identity, one entry per artifact (sorted by job
 * name) and the overall verdict, in canonical JSON. Nothing in it depends on the machine, the
 * time, the order jobs finished in or how they were sharded, so the same inputs give the same
 * bytes and a merged set of shares equals one unsharded run. A share's manifest adds a
 * {@code shard} block (its index and the whole release's job list) that merge checks and drops.
 */
final class Manifest {
    static final String FILE = "release-manifest.json";

    private Manifest() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> of(String name, String version, String releaseSha256, String formworkVersion,
            List<Map<String, Object>> entries) {
        List<Map<String, Object>> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(e -> (String) e.get("job")));
        List<Object> failed = new ArrayList<>();
        long cached = 0;
        for (Map<String, Object> e : sorted) {
            if (!Boolean.TRUE.equals(e.get("passed"))) failed.add(e.get("path"));
            if (Boolean.TRUE.equals(e.get("from_cache"))) cached++;
        }
        Map<String, Object> m = new TreeMap<>();
        m.put("name", name);
        m.put("version", version);
        m.put("release_sha256", releaseSha256);
        m.put("formwork_version", formworkVersion);
        m.put("artifacts", sorted);
        m.put("jobs", sorted.size());
        m.put("jobs_from_cache", cached);
        m.put("failed", failed);
        m.put("passed", failed.isEmpty());
        return m;
    }

    /** The shard block of a share's manifest: which share it is and every job of the release (name -> id). */
    static Map<String, Object> shard(Sharding.Shard shard, List<Job> plan) {
        Map<String, Object> jobs = new TreeMap<>();
        for (Job j : plan) jobs.put(j.name(), j.id());
        Map<String, Object> s = new TreeMap<>();
        s.put("index", shard.index());
        s.put("count", shard.count());
        s.put("release_jobs", jobs);
        return s;
    }

    static void write(Path dir, Map<String, Object> manifest) throws IOException {
        byte[] bytes = CanonicalJson.bytes(manifest);
        AtomicOutput.write(dir.resolve(FILE), tmp -> Files.write(tmp, bytes));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> artifacts(Map<String, Object> manifest, Path where) {
        Object a = manifest.get("artifacts");
        if (!(a instanceof List)) throw new dev.formwork.ir.FormworkException(where + ": artifacts: missing (not a release manifest?)");
        return (List<Map<String, Object>>) a;
    }
}
