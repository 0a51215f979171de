package dev.formwork.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a command as a child process and measures it as a user experiences it: wall time from
 * start to exit (JVM start-up included), and peak resident set size, read from
 * {@code /proc/<pid>/status} VmHWM (the kernel's high-water mark of the process's RSS: anonymous
 * memory, mapped file pages and shared memory) every {@link #POLL_MS} ms while the process
 * lives. VmHWM only grows, so the last value read is the peak up to the last few milliseconds
 * before exit, when a JVM no longer allocates.
 */
public final class ProcessMeter {
    static final long POLL_MS = 10;

    /**
     * What one run gave: wall time, peak RSS (bytes; 0 when /proc could not be read), the largest
     * anonymous (heap, native) and file-backed (mapped weights and artifacts) parts of the RSS
     * seen at any poll (not necessarily at the same moment), exit code and stderr.
     */
    public record Run(double wallMs, long peakRssBytes, long maxRssAnonBytes, long maxRssFileBytes, int exitCode, String stderr) {}

    private ProcessMeter() {}

    public static Run run(List<String> command, File workDir, Path stdoutFile, Path stderrFile) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir)
                .redirectOutput(stdoutFile.toFile()).redirectError(stderrFile.toFile());
        long t0 = System.nanoTime();
        Process p = pb.start();
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        long[] peak = new long[3];
        while (p.isAlive()) {
            poll(status, peak);
            if (p.waitFor(POLL_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) break;
        }
        int code = p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e6;
        String err = Files.exists(stderrFile) ? Files.readString(stderrFile, StandardCharsets.UTF_8) : "";
        return new Run(wall, peak[0], peak[1], peak[2], code, err);
    }

    /** Raises peak[0..2] to VmHWM, RssAnon and RssFile in bytes; nothing when the process is gone (a zombie has no such lines). */
    static void poll(Path status, long[] peak) {
        try {
            for (String l : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                int i = l.startsWith("VmHWM:") ? 0 : l.startsWith("RssAnon:") ? 1 : l.startsWith("RssFile:") ? 2 : -1;
                if (i >= 0) peak[i] = Math.max(peak[i], Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024);
            }
        } catch (IOException | RuntimeException e) {
            // the process exited between isAlive and the read
        }
    }
}
