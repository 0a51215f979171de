package dev.formwork.cli;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The regression guard: run an artifact and compare it with stored outputs. */
@Command(name = "golden", mixinStandardHelpOptions = true,
        description = "Golden-output regression checks for CI.",
        subcommands = GoldenCommand.Check.class)
final class GoldenCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {
                "Runs ARTIFACT (or a MODEL on the reference interpreter) on --input and compares its first output",
                "with --expected: every element must satisfy |actual - expected| <= atol + rtol * |expected|.",
                "Prints max abs/rel error, the worst index and top-1 agreement; exits 1 on mismatch.",
            })
    static final class Check implements Callable<Integer> {
        @Parameters(paramLabel = "ARTIFACT")
        String target;

        @Option(names = "--input", required = true, paramLabel = "X.npy")
        Path input;

        @Option(names = "--expected", required = true, paramLabel = "Y.npy")
        Path expected;

        @Option(names = "--atol", defaultValue = "1e-4", description = "Absolute tolerance (default ${DEFAULT-VALUE}).")
        double atol;

        @Option(names = "--rtol", defaultValue = "1e-3", description = "Relative tolerance (default ${DEFAULT-VALUE}).")
        double rtol;

        @Mixin
        ModelOptions model;

        @Mixin
        Execution execution;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Progress progress = new Progress(spec.commandLine().getErr(), false);
            NdArray x = Npy.read(input);
            NdArray want = Npy.read(expected);
            NdArray got = execution.run(target, input, x, model, progress);
            if (!Arrays.equals(got.shape(), want.shape())) {
                throw new FormworkException(expected + ": expected shape " + Arrays.toString(want.shape())
                        + " but " + target + " produced " + Arrays.toString(got.shape()));
            }
            Comparison c = Comparison.of(got, want);
            float[] g = got.data(), w = want.data();
            int bad = 0;
            for (int i = 0; i < g.length; i++) {
                if (!(Math.abs((double) g[i] - w[i]) <= atol + rtol * Math.abs(w[i]))) bad++;
            }
            out.printf("max abs error  %.3e at index %s (got %s, expected %s)%n", c.maxAbs(),
                    index(got.shape(), c.worstIndex()), g[c.worstIndex()], w[c.worstIndex()]);
            out.printf("max rel error  %.3e%n", c.maxRel());
            out.printf("cosine         %.7f%n", c.cosine());
            out.printf("top-1 agree    %d/%d%n", c.top1Agree(), c.rows());
            out.printf("tolerance      atol %.1e, rtol %.1e: %d of %d elements outside%n", atol, rtol, bad, g.length);
            out.println(bad == 0 ? "PASS" : "FAIL");
            out.flush();
            return bad == 0 ? Main.OK : Main.MISMATCH;
        }

        private static String index(int[] shape, int flat) {
            int[] idx = new int[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                idx[d] = flat % shape[d];
                flat /= shape[d];
            }
            return Arrays.toString(idx);
        }
    }
}
