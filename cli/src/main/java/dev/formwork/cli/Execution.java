package dev.formwork.cli;

import dev.formwork.frontends.LoadedModel;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import dev.formwork.runtimes.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Option;

/** Runs an artifact on its runtime, or a MODEL on the reference interpreter, for one input. */
final class Execution {
    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Threads for the runtime (0 = its default).")
    int threads;

    @Option(names = "--no-xnnpack", description = "TFLite: run without the XNNPACK delegate.")
    boolean noXnnpack;

    @Option(names = "--fp16-compute", description = "Core ML: round every intermediate to half precision, as the Neural Engine and GPU compute.")
    boolean fp16Compute;

    RunOptions runOptions() {
        return RunOptions.defaults().withThreads(threads).withXnnpack(!noXnnpack).withFp16Compute(fp16Compute);
    }

    /** The first output (logits) of running {@code target} on {@code input}. */
    NdArray run(String target, Path inputFile, NdArray input, ModelOptions model, Progress progress) {
        return run(target, inputFile, input, model, progress, false);
    }

    /**
     * As {@link #run(String, Path, NdArray, ModelOptions, Progress)}; {@code reference} runs an
     * {@code .onnx} file's imported graph on the reference interpreter instead of ONNX Runtime.
     */
    NdArray run(String target, Path inputFile, NdArray input, ModelOptions model, Progress progress, boolean reference) {
        Path p = Path.of(target);
        boolean onnx = target.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
        if (Files.exists(p) && Runtimes.isArtifact(p) && !(reference && onnx)) {
            progress.start("loading " + p.getFileName() + " on " + Runtimes.forArtifact(p).name());
            try (Session s = Runtimes.open(p, runOptions())) {
                TensorSpec in = s.inputs().get(0);
                if (!fits(in.shape().toArray(), input.shape())) {
                    throw new FormworkException(inputFile + ": input shape " + Arrays.toString(input.shape())
                            + " does not match " + p.getFileName() + " input '" + in.name() + "' " + in.shape());
                }
                progress.start("running");
                NdArray out = s.run(input)[0];
                progress.end();
                return out;
            }
        }
        if (onnx) {
            // dynamic dims of the file take the input's batch and (for a square image) its size
            Integer size = input.rank() == 4 && input.dim(2) == input.dim(3) ? input.dim(2) : null;
            LoadedModel m = model.load(target, progress, input.rank() == 0 ? null : input.dim(0), size);
            return interpret(m, inputFile, input, progress);
        }
        if (input.rank() != 4 || input.dim(1) != 3 || input.dim(2) != input.dim(3)) {
            throw new FormworkException(inputFile + ": expected an NCHW image batch [B,3,H,H], got shape "
                    + Arrays.toString(input.shape()));
        }
        if (model.imageSize != null && model.imageSize != input.dim(2)) {
            throw new FormworkException(inputFile + ": input is " + input.dim(2) + "x" + input.dim(3)
                    + " but --image-size is " + model.imageSize);
        }
        LoadedModel m = model.load(target, progress, input.dim(0), input.dim(2));
        return interpret(m, inputFile, input, progress);
    }

    private static NdArray interpret(LoadedModel m, Path inputFile, NdArray input, Progress progress) {
        int[] expected = m.graph().input(0).shape().toArray();
        if (!Arrays.equals(expected, input.shape())) {
            throw new FormworkException(inputFile + ": input shape " + Arrays.toString(input.shape())
                    + " does not match the model's input " + Arrays.toString(expected));
        }
        progress.start("running on the reference interpreter");
        NdArray out = new Interpreter(m.graph()).run(input)[0];
        progress.end();
        return out;
    }

    /** The input fits the artifact's declared shape; a dim the artifact leaves dynamic (reported as 0 or less) takes any size. */
    private static boolean fits(int[] declared, int[] actual) {
        if (declared.length != actual.length) return false;
        for (int i = 0; i < declared.length; i++) if (declared[i] > 0 && declared[i] != actual[i]) return false;
        return true;
    }
}
