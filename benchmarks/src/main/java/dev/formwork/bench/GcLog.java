package dev.formwork.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Peak Java heap of a child JVM from its unified GC log ({@code -Xlog:gc,gc+heap+exit:file=F}),
 * for the G1, Serial and Parallel collectors. Between two collections a heap's occupancy only
 * grows, so its peak is the largest "before" figure of a pause line ({@code Pause Young (Normal)
 * ... 812M->140M(1024M)}, {@code Pause Full (Allocation Failure) 357M->329M(557M)}) or the
 * occupancy printed at exit, whichever is larger; at exit the heap is one line for G1
 * ({@code garbage-first heap total 667648K, used 279254K}) and one per generation for the others
 * ({@code def new generation total ..K, used ..K} + {@code tenured generation total ..K, used
 * ..K}), summed. That is occupancy including not-yet-collected garbage, which is what the JVM has
 * to hold pages for; the committed size (in parentheses, "total" at exit) is reported beside it.
 */
public record GcLog(long peakUsedBytes, long peakCommittedBytes, int collections, double pauseMs) {
    private static final Pattern PAUSE = Pattern.compile(
            "GC\\(\\d+\\) (Pause [^\\n]*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([0-9.]+)ms");
    private static final Pattern EXIT = Pattern.compile("\\[gc,heap,exit\\s*\\]\\s+\\S.*? total (\\d+)K, used (\\d+)K");

    public static GcLog parse(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static GcLog parse(String log) {
        long used = 0, committed = 0;
        int count = 0;
        double pause = 0;
        Matcher m = PAUSE.matcher(log);
        while (m.find()) {
            used = Math.max(used, bytes(m.group(2), m.group(3)));
            committed = Math.max(committed, bytes(m.group(6), m.group(7)));
            count++;
            pause += Double.parseDouble(m.group(8));
        }
        Matcher e = EXIT.matcher(log);
        long exitTotal = 0, exitUsed = 0;
        while (e.find()) {
            exitTotal += Long.parseLong(e.group(1)) * 1024;
            exitUsed += Long.parseLong(e.group(2)) * 1024;
        }
        committed = Math.max(committed, exitTotal);
        used = Math.max(used, exitUsed);
        return new GcLog(used, committed, count, pause);
    }

    private static long bytes(String n, String unit) {
        long v = Long.parseLong(n);
        return switch (unit) {
            case "K" -> v << 10;
            case "M" -> v << 20;
            default -> v << 30;
        };
    }
}
