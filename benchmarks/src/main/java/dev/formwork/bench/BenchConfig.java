package dev.formwork.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of one harness run: where the repository, the CLI jar and the scratch folder are,
 * which sections run, and how many warm-up and counted runs each measurement gets. A quick run
 * (for trying the harness out) uses fewer runs and says so in the files it writes.
 */
public final class BenchConfig {
    public static final List<String> SECTIONS = List.of("conversion", "checkpoint", "passes", "latency", "engines", "savedmodel", "release", "weights", "onnx-import");

    Path repo = Path.of(".").toAbsolutePath().normalize();
    Path cliJar;
    Path work;
    Path outDir;
    boolean quick;
    List<String> sections = SECTIONS;
    String command = "./bench";
    /** Extra JVM options for the CLI child, as the ./formwork launcher takes them from FORMWORK_JAVA_OPTS. */
    List<String> cliJavaOpts = new ArrayList<>();
    PrintStream log = System.err;

    static BenchConfig parse(String[] args) {
        BenchConfig c = new BenchConfig();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> c.quick = true;
                case "--sections" -> c.sections = sections(value(args, ++i, a));
                case "--repo" -> c.repo = Path.of(value(args, ++i, a)).toAbsolutePath().normalize();
                case "--cli-jar" -> c.cliJar = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--work" -> c.work = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--out" -> c.outDir = Path.of(value(args, ++i, a)).toAbsolutePath();
                case "--command" -> c.command = value(args, ++i, a);
                default -> {
                    if (a.startsWith("--sections=")) c.sections = sections(a.substring(11));
                    else throw new IllegalArgumentException("unknown option " + a + " (known: --quick, --sections LIST, --repo DIR, "
                            + "--cli-jar JAR, --work DIR, --out DIR, --command TEXT)");
                }
            }
        }
        if (c.cliJar == null) c.cliJar = c.repo.resolve("cli/target/formwork-cli.jar");
        if (c.work == null) c.work = c.repo.resolve("bench-out");
        if (c.outDir == null) c.outDir = c.repo;
        String opts = System.getenv("FORMWORK_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) c.cliJavaOpts = Arrays.asList(opts.trim().split("\\s+"));
        return c;
    }

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) throw new IllegalArgumentException(opt + " needs a value");
        return args[i];
    }

    private static List<String> sections(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            String n = s.trim();
            if (n.isEmpty()) continue;
            if (!SECTIONS.contains(n)) throw new IllegalArgumentException("unknown section " + n + " (known: " + String.join(",", SECTIONS) + ")");
            if (!out.contains(n)) out.add(n);
        }
        if (out.isEmpty()) throw new IllegalArgumentException("--sections: none given");
        // Report order is fixed whatever order was asked for.
        out.sort(java.util.Comparator.comparingInt(SECTIONS::indexOf));
        return out;
    }

    /** Warm-up and counted runs for a measurement: full values, or the quick ones. */
    int warmup(int full, int quickValue) {
        return quick ? quickValue : full;
    }

    int runs(int full, int quickValue) {
        return quick ? quickValue : full;
    }
}
