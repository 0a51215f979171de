package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The README's "Errors and limits" contract for one CLI run on a hostile file: exit 2, exactly one
 * error line and it is the last stderr line, naming the problem; no stack trace or raw Java
 * exception text; nothing new in the output folder; at most 512 MB allocated on the running
 * thread (so a reader that trusted a declared size shows here).
 */
final class Refusals {
    static final long ALLOCATION_BUDGET = 512L << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Refusals() {}

    /** Runs the CLI with {@code args}, checks the contract against {@code out}; returns the error line. */
    static String refused(Path out, String mustMention, String... args) throws IOException {
        long a0 = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
        CliHarness.Outcome o = CliHarness.run(args);
        long allocated = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - a0;
        assertEquals(Main.BAD_INPUT, o.exit(), o.err());
        String[] lines = o.err().strip().split("\n");
        String last = lines[lines.length - 1];
        assertTrue(last.startsWith("formwork: error: "), "the error line is last: " + o.err());
        assertEquals(1, o.err().lines().filter(l -> l.startsWith("formwork: error")).count(), o.err());
        assertTrue(last.contains(mustMention), "error line should name '" + mustMention + "': " + last);
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertFalse(o.err().matches("(?s).*java\\.[a-z.]+\\.[A-Z]\\w*(Exception|Error).*"), "no raw exception text: " + o.err());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(), s.toList(), "nothing written to the output folder");
        }
        assertTrue(allocated < ALLOCATION_BUDGET, "allocated " + allocated + " bytes");
        return last;
    }
}
