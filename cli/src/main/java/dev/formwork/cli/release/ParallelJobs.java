package dev.formwork.cli.release;

import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a release's jobs: in this process one after another ({@code --jobs 1}), or as up to N
 * child processes, each a JVM running this same program's hidden {@code release job} command
 * with this JVM's flags. A job starts only while the estimated memory of the running jobs stays
 * within the budget (a job larger than the whole budget runs alone). The most expensive jobs
 * start first, so the long ones do not end up last. Jobs found in the cache are restored here.
 */
final class ParallelJobs {
    private final Path releaseFile;
    private final Path out;
    private final Path cacheDir;
    private final ReleaseProgress progress;

    ParallelJobs(Path releaseFile, Path out, Path cacheDir, ReleaseProgress progress) {
        this.releaseFile = releaseFile;
        this.out = out;
        this.cacheDir = cacheDir;
        this.progress = progress;
    }

    List<Map<String, Object>> run(List<Job> jobs, int parallel, long memoryBudget) throws IOException, InterruptedException {
        List<Job> order = new ArrayList<>(jobs);
        order.sort(Comparator.comparingLong((Job j) -> j.cost().units()).reversed().thenComparing(Job::name));
        if (parallel <= 1) return inProcess(order);
        // Cache hits are file copies: done here, not worth a process each.
        Cache cache = Cache.open(cacheDir);
        List<Map<String, Object>> results = new ArrayList<>();
        List<Job> toBuild = new ArrayList<>();
        for (Job j : order) {
            long t0 = System.nanoTime();
            Map<String, Object> r = JobRunner.restore(j, out, cache);
            if (r == null) {
                toBuild.add(j);
                continue;
            }
            progress.finished(j, r, (System.nanoTime() - t0) / 1e9);
            results.add(r);
        }
        results.addAll(children(toBuild, parallel, memoryBudget));
        return results;
    }

    private List<Map<String, Object>> inProcess(List<Job> order) throws IOException {
        Cache cache = Cache.open(cacheDir);
        List<Map<String, Object>> results = new ArrayList<>();
        for (Job j : order) {
            progress.started(j, 1);
            long t0 = System.nanoTime();
            Map<String, Object> r = JobRunner.run(j, out, cache);
            progress.finished(j, r, (System.nanoTime() - t0) / 1e9);
            results.add(r);
        }
        return results;
    }

    private record Running(Job job, Process process, Path log, long started) {}

    private List<Map<String, Object>> children(List<Job> order, int parallel, long budget) throws IOException, InterruptedException {
        Path logs = out.resolve(JobRunner.WORK).resolve("logs");
        Files.createDirectories(logs);
        List<Job> pending = new ArrayList<>(order);
        List<Running> running = new ArrayList<>();
        Map<String, Map<String, Object>> results = new LinkedHashMap<>();
        String error = null;
        while (!running.isEmpty() || (!pending.isEmpty() && error == null)) {
            while (error == null && !pending.isEmpty() && running.size() < parallel) {
                Job next = pending.get(0);
                long used = running.stream().mapToLong(r -> r.job().cost().memoryBytes()).sum();
                if (!running.isEmpty() && used + next.cost().memoryBytes() > budget) break;
                pending.remove(0);
                Path log = logs.resolve(next.fileKey() + ".log");
                ProcessBuilder pb = new ProcessBuilder(command(next)).redirectErrorStream(true).redirectOutput(log.toFile());
                running.add(new Running(next, pb.start(), log, System.nanoTime()));
                progress.started(next, running.size());
            }
            Running finished = null;
            while (finished == null) {
                for (Running r : running) if (!r.process().isAlive()) finished = r;
                if (finished == null) Thread.sleep(50);
            }
            running.remove(finished);
            int code = finished.process().exitValue();
            Job j = finished.job();
            if (code != 0) {
                if (error == null) error = j.name() + ": " + childError(finished.log(), code);
                continue;
            }
            Map<String, Object> r = CanonicalJson.read(JobRunner.resultFile(out, j), "job result of " + j.name());
            results.put(j.name(), r);
            progress.finished(j, r, (System.nanoTime() - finished.started()) / 1e9);
        }
        if (error != null) throw new FormworkException(error);
        return new ArrayList<>(results.values());
    }

    private List<String> command(Job job) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Agents and debuggers of this JVM are not the job's business.
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp")) cmd.add(a);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.formwork.cli.Main", "release", "job",
                releaseFile.toString(), "--job", job.name(), "--out", out.toString()));
        if (cacheDir != null) cmd.addAll(List.of("--cache", cacheDir.toString()));
        return cmd;
    }

    private static String childError(Path log, int code) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        for (String l : text.split("\n")) {
            if (l.startsWith("formwork: ") && !l.startsWith("formwork: warning")) return l.replaceFirst("^formwork: (error: )?", "");
        }
        return "job process exited with code " + code + " (log: " + log + ")";
    }

    /** Three quarters of the machine's physical memory. */
    static long defaultBudget() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize() / 4 * 3;
        return 4L << 30;
    }
}
