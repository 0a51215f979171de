package dev.formwork.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures what it prints. */
final class CliHarness {
    record Outcome(int exit, String out, String err) {
        /** The error lines Formwork itself printed (progress lines excluded). */
        String errorLine() {
            for (String l : err.split("\n")) if (l.startsWith("formwork: ") && !l.startsWith("formwork: warning")) return l;
            return "";
        }
    }

    private CliHarness() {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }
}
