package dev.formwork.cli;

import dev.formwork.exporters.AtomicOutput;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs an artifact on its runtime or a MODEL on the reference interpreter. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {
            "Runs an artifact on its runtime (.onnx on ONNX Runtime, .tflite on the TensorFlow Lite interpreter,",
            ".mlpackage/.mlmodel on Formwork's Core ML executor, .savedmodel on TensorFlow Java) or a MODEL on the",
            "reference interpreter, and writes its first output (the logits) as .npy. TFLite and SavedModel exports",
            "take NHWC input unless exported otherwise.",
        })
final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARTIFACT_OR_MODEL")
    String target;

    @Option(names = "--input", required = true, paramLabel = "X.npy", description = "Input array (float32 .npy).")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "Y.npy", description = "Where to write the first output.")
    Path output;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "auto (artifact -> its runtime, model -> reference interpreter) or reference (also imports an .onnx file and runs the imported graph).")
    String engine;

    @Mixin
    ModelOptions model;

    @Mixin
    Execution execution;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!engine.equals("auto") && !engine.equals("reference")) {
            throw new dev.formwork.ir.FormworkException("unknown --engine '" + engine + "' (auto or reference)");
        }
        boolean onnx = target.toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
        if (engine.equals("reference") && !onnx && Files.exists(Path.of(target)) && dev.formwork.runtimes.Runtimes.isArtifact(Path.of(target))) {
            throw new dev.formwork.ir.FormworkException(target + ": the reference interpreter runs models and .onnx files, not other artifacts");
        }
        Progress progress = new Progress(spec.commandLine().getErr(), false);
        NdArray x = Npy.read(input);
        NdArray y = execution.run(target, input, x, model, progress, engine.equals("reference"));
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new dev.formwork.ir.FormworkException(output + ": folder " + parent + " does not exist");
        }
        try {
            if (parent != null) AtomicOutput.removeLeftovers(parent);
            AtomicOutput.write(output, tmp -> Files.write(tmp, Npy.encode(y)));
        } catch (IOException e) {
            throw new dev.formwork.ir.FormworkException(output + ": cannot write (" + e.getMessage() + ")");
        }
        progress.note("wrote " + output + " " + java.util.Arrays.toString(y.shape()));
        return Main.OK;
    }
}
