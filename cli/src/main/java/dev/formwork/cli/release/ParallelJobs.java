package dev.formwork.cli.release;

import dev.formwork.ir.FormworkException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs a release's jobs: in this process one after another ({@code --jobs 1}), or on N worker
 * processes, each a JVM running this same program's hidden {@code release worker} command with
 * this JVM's flags and taking one job at a time. A job starts only while the estimated memory of the running jobs stays
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

    /** One worker process: its stdin for job names, and the job it is running (null when idle). */
    private static final class Worker {
        final Process process;
        final PrintWriter jobs;
        final Path log;
        Job current;
        long started;

        Worker(Process process, Path log) {
            this.process = process;
            this.log = log;
            this.jobs = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), true);
        }
    }

    /** A reply line of a worker, or its end (line null). */
    private record Reply(Worker worker, String line) {}

    private List<Map<String, Object>> children(List<Job> order, int parallel, long budget) throws IOException, InterruptedException {
        List<Map<String, Object>> results = new ArrayList<>();
        if (order.isEmpty()) return results;
        Path logs = out.resolve(JobRunner.WORK).resolve("logs");
        Files.createDirectories(logs);
        BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < Math.min(parallel, order.size()); i++) workers.add(start(i, logs, replies));
        List<Job> pending = new ArrayList<>(order);
        String error = null;
        try {
            while (true) {
                long used = 0;
                int running = 0;
                for (Worker w : workers) {
                    if (w.current != null) {
                        used += w.current.cost().memoryBytes();
                        running++;
                    }
                }
                for (Worker w : workers) {
                    if (w.current != null || pending.isEmpty() || error != null || !w.process.isAlive()) continue;
                    Job next = pending.get(0);
                    if (running > 0 && used + next.cost().memoryBytes() > budget) break;
                    pending.remove(0);
                    w.current = next;
                    w.started = System.nanoTime();
                    used += next.cost().memoryBytes();
                    running++;
                    w.jobs.println(next.name());
                    progress.started(next, running);
                }
                if (running == 0) {
                    if (error == null && !pending.isEmpty()) error = "every job process ended early: " + lastError(workers.get(0).log);
                    break;
                }
                Reply r = replies.take();
                Worker w = r.worker();
                Job j = w.current;
                if (j == null) continue;
                if (r.line() == null) {
                    if (error == null) error = j.name() + ": the job process ended (exit code " + w.process.waitFor() + "): " + lastError(w.log);
                    w.current = null;
                    continue;
                }
                w.current = null;
                if (r.line().startsWith("error ")) {
                    if (error == null) error = r.line().substring("error ".length() + j.name().length() + 1);
                    continue;
                }
                Map<String, Object> result = CanonicalJson.read(JobRunner.resultFile(out, j), "job result of " + j.name());
                results.add(result);
                progress.finished(j, result, (System.nanoTime() - w.started) / 1e9);
            }
        } finally {
            for (Worker w : workers) w.jobs.close();
            for (Worker w : workers) if (!w.process.waitFor(60, TimeUnit.SECONDS)) w.process.destroyForcibly();
        }
        if (error != null) throw new FormworkException(error);
        return results;
    }

    private Worker start(int index, Path logs, BlockingQueue<Reply> replies) throws IOException {
        Path log = logs.resolve("worker-" + index + ".log");
        Process p = new ProcessBuilder(command()).redirectError(log.toFile()).start();
        Worker w = new Worker(p, log);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (line.startsWith(ReleaseWorker.REPLY)) replies.add(new Reply(w, line.substring(ReleaseWorker.REPLY.length())));
                }
            } catch (IOException e) {
                // the process is gone; reported below
            }
            replies.add(new Reply(w, null));
        }, "release-worker-" + index);
        reader.setDaemon(true);
        reader.start();
        return w;
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Agents and debuggers of this JVM are not the workers' business.
            if (!a.startsWith("-agentlib") && !a.startsWith("-javaagent") && !a.startsWith("-Xrunjdwp")) cmd.add(a);
        }
        // A worker starts from -cp, not -jar, so the Add-Opens of the cli jar's manifest (which the
        // SavedModel runtime needs to load TensorFlow's natives from their own jars) is given here.
        cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.formwork.cli.Main", "release", "worker",
                releaseFile.toString(), "--out", out.toString()));
        if (cacheDir != null) cmd.addAll(List.of("--cache", cacheDir.toString()));
        return cmd;
    }

    private static String lastError(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        for (String l : text.split("\n")) {
            if (l.startsWith("formwork: ") && !l.startsWith("formwork: warning")) return l.replaceFirst("^formwork: (error: )?", "");
        }
        return "see " + log;
    }

    /** Three quarters of the machine's physical memory. */
    static long defaultBudget() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize() / 4 * 3;
        return 4L << 30;
    }
}
