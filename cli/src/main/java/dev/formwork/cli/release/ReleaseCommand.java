package dev.formwork.cli.release;

import dev.formwork.cli.Main;
import dev.formwork.exporters.AtomicOutput;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code formwork release}: every model x target x precision of a release file, built, checked and listed. */
@Command(name = "release", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Builds every model x target x precision of RELEASE.json into",
            "OUT/<model>/<target>-<precision>/, verifies each artifact against the reference",
            "interpreter, runs its golden inputs on its runtime and writes OUT/release-manifest.json",
            "(paths, sizes, sha256, job ids, checks). Exit 1 when a check fails.",
        },
        subcommands = {ReleaseMerge.class, ReleaseDiff.class, ReleaseWorker.class})
public final class ReleaseCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RELEASE.json", arity = "0..1", description = "The release file.")
    Path file;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--shard", paramLabel = "I/N", description = "Build only share I of N (deterministic, cost-balanced), for one CI job.")
    String shard;

    @Option(names = "--jobs", paramLabel = "N", defaultValue = "1", description = "Jobs run at once, on that many worker processes (default ${DEFAULT-VALUE}: in this process).")
    int jobs;

    @Option(names = "--memory-mb", paramLabel = "MB", description = "Memory the parallel jobs may use together (default: 3/4 of physical memory).")
    Long memoryMb;

    @Option(names = "--cache", paramLabel = "DIR", description = "Reuse jobs whose id is unchanged from DIR, and store new ones there.")
    Path cache;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (file == null) throw new FormworkException("release: RELEASE.json missing (or use 'release merge' / 'release diff')");
        if (out == null) throw new FormworkException("release: --out DIR missing");
        if (jobs < 1) throw new FormworkException("--jobs must be at least 1, got " + jobs);
        if (memoryMb != null && memoryMb < 1) throw new FormworkException("--memory-mb must be at least 1, got " + memoryMb);
        Sharding.Shard share = shard == null ? null : Sharding.Shard.parse(shard);
        // Everything the release file can be refused for is refused here, before any job.
        ReleaseFile release = ReleaseFile.read(file);
        List<Job> plan = Job.plan(release);
        List<Job> mine = share == null ? plan : Sharding.select(plan, share);
        prepare(out);
        Cache.open(cache);

        ReleaseProgress progress = new ReleaseProgress(spec.commandLine().getErr(), mine.size());
        progress.line("release " + release.name() + " " + release.version() + ": " + mine.size() + " job(s)"
                + (share == null ? "" : " of " + plan.size() + " (shard " + share + ")") + ", " + Math.min(jobs, Math.max(1, mine.size())) + " at a time");
        long budget = memoryMb != null ? memoryMb << 20 : ParallelJobs.defaultBudget();
        List<Map<String, Object>> entries = new ParallelJobs(file, out, cache, progress).run(mine, jobs, budget);

        Map<String, Object> manifest = Manifest.of(release.name(), release.version(), release.sha256(),
                dev.formwork.exporters.FormworkVersion.VERSION, entries);
        if (share != null) manifest.put("shard", Manifest.shard(share, plan));
        Manifest.write(out, manifest);
        AtomicOutput.deleteRecursively(out.resolve(JobRunner.WORK));
        return report(manifest, out.resolve(Manifest.FILE), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    /** Prints the summary; exit 1 naming every failing artifact when a check failed. */
    @SuppressWarnings("unchecked")
    static int report(Map<String, Object> manifest, Path written, PrintWriter stdout, PrintWriter stderr) {
        List<Map<String, Object>> arts = Manifest.artifacts(manifest, written);
        for (Map<String, Object> a : arts) {
            stdout.printf("%-4s %s  %,d bytes  sha256 %s%s%n", Boolean.TRUE.equals(a.get("passed")) ? "ok" : "FAIL", a.get("path"),
                    ((Number) a.get("bytes")).longValue(), a.get("sha256"), Boolean.TRUE.equals(a.get("from_cache")) ? "  (cache)" : "");
        }
        stdout.println(written + ": " + arts.size() + " artifact(s), " + manifest.get("jobs_from_cache") + " from the cache");
        stdout.flush();
        List<Object> failed = (List<Object>) manifest.get("failed");
        if (failed.isEmpty()) return Main.OK;
        for (Map<String, Object> a : arts) {
            if (!Boolean.TRUE.equals(a.get("passed"))) stderr.println("formwork: check failed: " + a.get("path") + ": " + Failures.describe(a));
        }
        stderr.println("formwork: " + failed.size() + " artifact(s) failed their checks: " + String.join(", ", failed.stream().map(Object::toString).toList()));
        stderr.flush();
        return Main.MISMATCH;
    }

    static void prepare(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) throw new FormworkException("--out " + dir + ": not a folder");
            Files.createDirectories(dir);
            AtomicOutput.deleteRecursively(dir.resolve(JobRunner.WORK));
            Path probe = Files.createTempFile(dir, ".formwork-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new FormworkException("--out " + dir + ": not writable (" + e.getMessage() + ")");
        }
    }
}
