package dev.formwork.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM flags the {@code ./formwork} launcher starts the CLI with, read from the launcher
 * itself (its {@code jvm_opts=(...)} line), so the conversion benchmark measures the process a
 * user runs even after the launcher's flags change. {@code $FORMWORK_JAVA_OPTS} is appended by
 * the caller, as the launcher appends it.
 */
public final class LauncherFlags {
    /** The flags the launcher had before it kept them in a {@code jvm_opts} array. */
    static final List<String> FALLBACK = List.of("--add-modules", "jdk.incubator.vector", "-Xss8m");
    private static final Pattern LINE = Pattern.compile("(?m)^\\s*jvm_opts=\\((.*)\\)\\s*$");

    /** The flags, and where they came from (for the report). */
    public record Flags(List<String> flags, String source) {}

    private LauncherFlags() {}

    public static Flags read(Path repo) {
        Path launcher = repo.resolve("formwork");
        try {
            Matcher m = LINE.matcher(Files.readString(launcher));
            if (m.find()) return new Flags(parse(m.group(1)), "read from ./formwork");
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        return new Flags(FALLBACK, "./formwork has no jvm_opts=(...) line; the launcher's former flags");
    }

    /** Words of a bash array body; single or double quotes around a word are removed. */
    static List<String> parse(String body) {
        List<String> out = new ArrayList<>();
        for (String w : body.trim().split("\\s+")) {
            if (w.isEmpty()) continue;
            if (w.length() >= 2 && (w.startsWith("\"") && w.endsWith("\"") || w.startsWith("'") && w.endsWith("'"))) {
                w = w.substring(1, w.length() - 1);
            }
            out.add(w);
        }
        return out;
    }
}
