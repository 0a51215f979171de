package dev.formwork.cli;

import dev.formwork.ir.FormworkException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code formwork} command. Exit codes (a contract): 0 success, 1 a verification or
 * comparison failed, 2 bad usage or bad input (one line naming the file, key, node or shape),
 * 3 an internal error (a bug; {@code --debug} prints its stack trace).
 */
@Command(name = "formwork",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Compiles EfficientFormer vision transformers for phones: Core ML (iPhone), TensorFlow Lite (Android), ONNX.",
            "",
            "MODEL is a zoo name (efficientformer-l1/-l3/-l7, efficientformerv2-s0/-s1/-s2/-l), a JSON config, or an artifact.",
        },
        subcommands = {
            ConvertCommand.class,
            RunCommand.class,
            InspectCommand.class,
            GoldenCommand.class,
            PassesCommand.class,
            dev.formwork.cli.release.ReleaseCommand.class,
            CommandLine.HelpCommand.class,
        },
        footer = {"", "Exit codes: 0 ok, 1 verification/comparison failed, 2 bad usage or input, 3 internal error."})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int MISMATCH = 1;
    public static final int BAD_INPUT = 2;
    public static final int INTERNAL = 3;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true);
        int code;
        try {
            code = execute(args, new PrintWriter(System.out, true), err);
        } catch (OutOfMemoryError e) {
            Progress.breakLine(err);
            err.println("formwork: error: out of memory (" + e.getMessage() + "); give the JVM more with "
                    + "FORMWORK_JAVA_OPTS=-Xmx<size>, e.g. -Xmx8g");
            code = INTERNAL;
        }
        System.exit(code);
    }

    /** Runs the CLI with the given streams and returns the exit code (used by tests too). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            boolean debug = parsed.matchedOption("--debug") != null || hasDebug(parsed);
            Throwable cause = unwrap(ex);
            Progress.breakLine(err);
            // With --debug the stack trace comes first: the error line is always the last line.
            if (debug) cause.printStackTrace(err);
            if (cause instanceof FormworkException) {
                err.println("formwork: error: " + oneLine(cause.getMessage()));
                return BAD_INPUT;
            }
            // The simple class name: a raw "java.lang.XException: ..." line is for --debug only.
            String what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + oneLine(cause.getMessage()));
            err.println("formwork: internal error: " + what + " (this is a bug; rerun with --debug for the stack trace)");
            return INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            // The hint shares the error's line: the error line is the last line on stderr.
            err.println("formwork: " + oneLine(ex.getMessage()) + " (run 'formwork " + commandPath(ex.getCommandLine()) + "--help' for usage)");
            return BAD_INPUT;
        });
        return cl.execute(args);
    }

    private static boolean hasDebug(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.matchedOption("--debug") != null) return true;
        }
        return false;
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder b = new StringBuilder();
        for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
            b.insert(0, c.getCommandName() + " ");
        }
        return b.toString();
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while (!(c instanceof FormworkException) && c.getCause() != null && c.getCause() != c) {
            if (c instanceof FormworkException) break;
            c = c.getCause();
        }
        return c instanceof FormworkException ? c : t;
    }

    static String oneLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Reads the version from the jar manifest, falling back to the build constant. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"formwork " + FormworkInfo.VERSION};
        }
    }
}
