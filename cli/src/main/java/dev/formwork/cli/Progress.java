package dev.formwork.cli;

import java.io.PrintWriter;

/**
 * Progress lines for long work, on stderr so stdout stays machine-readable ({@code --json}).
 * Each step prints when it starts and, when it ends, how long it took.
 */
final class Progress {
    /** Whether some progress line is waiting for its end, so an error must start a new line. */
    private static volatile boolean lineOpen;

    private final PrintWriter err;
    private final boolean quiet;
    private long start;
    private String step;

    Progress(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    void start(String what) {
        end();
        step = what;
        start = System.nanoTime();
        if (!quiet) {
            err.print("  " + what + " ... ");
            err.flush();
            lineOpen = true;
        }
    }

    void end() {
        if (step == null) return;
        if (!quiet) err.printf("%.2f s%n", (System.nanoTime() - start) / 1e9);
        lineOpen = false;
        step = null;
    }

    /** Ends an unfinished progress line before an error message. */
    static void breakLine(PrintWriter err) {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }

    void note(String line) {
        end();
        if (!quiet) err.println(line);
    }

    void warn(String line) {
        end();
        err.println("formwork: warning: " + line);
    }
}
