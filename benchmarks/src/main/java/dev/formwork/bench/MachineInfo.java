package dev.formwork.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run happened on, read from /proc and the JVM: CPU model, cores, memory, OS,
 * JDK, the runtimes' versions, the load average (a shared machine makes numbers noisy; the load
 * at the start and end of the run is printed so a reader can tell) and the source commit.
 */
public final class MachineInfo {
    private MachineInfo() {}

    public static Map<String, String> collect(Path repo) {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
        String model = cpuinfo.stream().filter(l -> l.startsWith("model name")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        long logical = cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
        String mhz = cpuinfo.stream().filter(l -> l.startsWith("cpu MHz")).findFirst()
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(null);
        m.put("cpu", model + (mhz == null ? "" : " @ " + Math.round(Double.parseDouble(mhz)) + " MHz") + simdFlags(cpuinfo));
        m.put("cores", logical + " logical CPUs (" + Runtime.getRuntime().availableProcessors() + " available to the JVM)");
        m.put("memory", memTotal());
        m.put("os", osRelease() + ", Linux " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("harness JVM flags", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
        m.put("onnxruntime", onnxRuntimeVersion());
        m.put("tflite", tfliteVersion());
        m.put("commit", git(repo));
        return m;
    }

    /** /proc/loadavg's three averages, e.g. "0.52 0.61 0.70". */
    public static String loadAverage() {
        List<String> l = lines(Path.of("/proc/loadavg"));
        if (l.isEmpty()) return "unknown";
        String[] p = l.get(0).split("\\s+");
        return p.length >= 3 ? p[0] + " " + p[1] + " " + p[2] : l.get(0);
    }

    /** The 1-minute load average, or NaN. */
    public static double load1() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The SIMD extensions the GEMM kernels care about, as " (avx2, fma, avx512f)". */
    private static String simdFlags(List<String> cpuinfo) {
        String flags = cpuinfo.stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
        java.util.Set<String> have = new java.util.HashSet<>(List.of(flags.substring(flags.indexOf(':') + 1).trim().split("\\s+")));
        List<String> shown = List.of("avx2", "fma", "avx512f", "avx512_vnni").stream().filter(have::contains).toList();
        return shown.isEmpty() ? "" : " (" + String.join(", ", shown) + ")";
    }

    private static String memTotal() {
        for (String l : lines(Path.of("/proc/meminfo"))) {
            if (l.startsWith("MemTotal:")) {
                long kb = Long.parseLong(l.replaceAll("[^0-9]", ""));
                return String.format(Locale.ROOT, "%.1f GiB", kb / 1024.0 / 1024.0);
            }
        }
        return "unknown";
    }

    private static String osRelease() {
        for (String l : lines(Path.of("/etc/os-release"))) {
            if (l.startsWith("PRETTY_NAME=")) return l.substring(12).replace("\"", "");
        }
        return System.getProperty("os.name");
    }

    private static String onnxRuntimeVersion() {
        try {
            return ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion() + " (CPU execution provider)";
        } catch (Throwable t) {
            return "not available (" + t.getClass().getSimpleName() + ")";
        }
    }

    private static String tfliteVersion() {
        try {
            String v = org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteVersion().getString();
            return v + " (JavaCPP build, XNNPACK delegate)";
        } catch (Throwable t) {
            return "not available (" + t.getClass().getSimpleName() + ")";
        }
    }

    private static String git(Path repo) {
        try {
            Process p = new ProcessBuilder("git", "-C", repo.toString(), "rev-parse", "--short=12", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) return "unknown";
            Process d = new ProcessBuilder("git", "-C", repo.toString(), "status", "--porcelain", "--untracked-files=no")
                    .redirectErrorStream(true).start();
            String dirty = new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            d.waitFor(10, TimeUnit.SECONDS);
            return out + (dirty.isEmpty() ? "" : " (with uncommitted changes)");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
