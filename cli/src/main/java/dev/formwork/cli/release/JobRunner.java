package dev.formwork.cli.release;

import dev.formwork.cli.Main;
import dev.formwork.exporters.AtomicOutput;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs one job in this process: {@code convert --report} into a staging folder, the reference
 * check and the golden checks on the written artifact, then the artifact renamed into place and
 * the job's manifest entry written to {@code OUT/.release/jobs/}. With a cache, an unchanged job
 * is restored instead and a new one stored.
 */
final class JobRunner {
    static final String WORK = ".release";

    private JobRunner() {}

    static Path resultFile(Path out, Job job) {
        return out.resolve(WORK).resolve("jobs").resolve(job.fileKey() + ".json");
    }

    static Map<String, Object> run(Job job, Path out, Cache cache) throws IOException {
        Map<String, Object> result = restore(job, out, cache);
        if (result != null) return result;
        Path dest = out.resolve(job.artifactPath());
        result = build(job, out, dest);
        if (cache != null) cache.store(job, dest, result);
        return record(job, out, result);
    }

    /** The job from the cache (artifact copied into place, entry recorded), or null when it must be built. */
    static Map<String, Object> restore(Job job, Path out, Cache cache) throws IOException {
        Map<String, Object> result = cache == null ? null : cache.restore(job, out.resolve(job.artifactPath()));
        return result == null ? null : record(job, out, result);
    }

    private static Map<String, Object> record(Job job, Path out, Map<String, Object> result) throws IOException {
        Path file = resultFile(out, job);
        Files.createDirectories(file.getParent());
        byte[] bytes = CanonicalJson.bytes(result);
        AtomicOutput.write(file, tmp -> Files.write(tmp, bytes));
        return result;
    }

    private static Map<String, Object> build(Job job, Path out, Path dest) throws IOException {
        Path stage = out.resolve(WORK).resolve("stage").resolve(job.fileKey());
        AtomicOutput.deleteRecursively(stage);
        Files.createDirectories(stage);
        Path report = stage.resolve("report.json");
        StringWriter stdout = new StringWriter(), stderr = new StringWriter();
        int code = Main.execute(convertArgs(job, stage, report).toArray(String[]::new),
                new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        if (code != Main.OK) {
            String why = errorLine(stderr.toString());
            if (code == Main.BAD_INPUT) throw new FormworkException(job.name() + ": convert refused: " + why);
            throw new IllegalStateException(job.name() + ": convert failed with exit code " + code + ": " + why);
        }
        Map<String, Object> written = artifact(CanonicalJson.read(report, "convert report"));
        Path staged = Path.of((String) written.get("path"));
        Map<String, Object> verification = ReferenceCheck.run(job, staged);
        List<Object> golden = GoldenChecks.run(job, staged);
        Files.createDirectories(dest.toAbsolutePath().getParent());
        AtomicOutput.deleteRecursively(dest);
        Files.move(staged, dest, StandardCopyOption.ATOMIC_MOVE);
        AtomicOutput.deleteRecursively(stage);
        return entry(job, written, verification, golden);
    }

    /** The manifest entry of a built job (everything but the cache flag depends only on the job's inputs). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(Job job, Map<String, Object> written, Map<String, Object> v, List<Object> golden) {
        Map<String, Object> inputs = Job.inputs(job.model(), job.target());
        Map<String, Object> source = new TreeMap<>((Map<String, Object>) inputs.get("model"));
        Map<String, Object> e = new TreeMap<>();
        e.put("job", job.name());
        e.put("job_id", job.id());
        e.put("model", job.model().name());
        e.put("target", job.target().target());
        e.put("precision", job.target().precision());
        e.put("path", job.artifactPath());
        e.put("bytes", ((Number) written.get("bytes")).longValue());
        e.put("sha256", written.get("sha256"));
        e.put("weights_sha256", source.get("weights_sha256"));
        e.put("source", source);
        e.put("options", inputs.get("options"));
        e.put("formwork_version", inputs.get("formwork_version"));
        e.put("ops", written.get("ops") == null ? Map.of() : new TreeMap<>((Map<String, Object>) written.get("ops")));
        e.put("verification", v);
        e.put("golden", golden);
        boolean passed = Boolean.TRUE.equals(v.get("passed"));
        for (Object g : golden) passed &= Boolean.TRUE.equals(((Map<String, Object>) g).get("passed"));
        e.put("passed", passed);
        e.put("from_cache", false);
        return e;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> artifact(Map<String, Object> report) {
        List<Object> arts = (List<Object>) report.get("artifacts");
        return (Map<String, Object>) arts.get(0);
    }

    static List<String> convertArgs(Job job, Path stage, Path report) {
        ReleaseFile.Model m = job.model();
        ReleaseFile.Target t = job.target();
        List<String> a = new ArrayList<>(List.of("convert", m.modelArg(), "--target", t.target(), "--out", stage.toString(),
                "--name", m.name(), "--precision", t.precision(), "--batch", Integer.toString(m.batch())));
        for (Map.Entry<String, Object> o : new TreeMap<>(t.options()).entrySet()) {
            a.add(ReleaseTargets.flag(o.getKey()));
            a.add(o.getValue().toString());
        }
        if (m.weightsPath() != null) a.addAll(List.of("--weights", m.weightsPath().toString()));
        else a.addAll(List.of("--seed", Long.toString(m.seed())));
        if (m.imageSize() != null) a.addAll(List.of("--image-size", m.imageSize().toString()));
        if (m.labelsPath() != null) a.addAll(List.of("--labels", m.labelsPath().toString()));
        a.addAll(List.of("--report", report.toString(), "--quiet"));
        return a;
    }

    private static String errorLine(String err) {
        for (String l : err.split("\n")) if (l.startsWith("formwork: ") && !l.startsWith("formwork: warning")) return l.substring(10);
        return err.strip();
    }
}
