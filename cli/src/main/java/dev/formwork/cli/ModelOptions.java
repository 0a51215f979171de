package dev.formwork.cli;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.config.ModelBudget;
import dev.formwork.ir.FormworkException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options that say which weights and which input size a MODEL is built with. */
final class ModelOptions {
    @Option(names = "--weights", paramLabel = "FILE",
            description = "Checkpoint: .safetensors or a PyTorch checkpoint (.pth, .pt, .bin; zip or legacy format, read without running code); timm or original key names. Without it, weights are random.")
    Path weights;

    @Option(names = "--weights-key", paramLabel = "KEY",
            description = "Top-level entry of a PyTorch checkpoint that holds the weights, e.g. model_ema (default: state_dict, else model, else the file's dict).")
    String weightsKey;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed for random weights when no --weights is given (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", paramLabel = "N", description = "Static batch size (default 1, or the --input's batch).")
    Integer batch;

    @Option(names = "--image-size", paramLabel = "N",
            description = "Input height and width (default: the model's, 224 for the zoo).")
    Integer imageSize;

    @Option(names = "--max-model-bytes", paramLabel = "SIZE",
            description = "Refuse a model whose estimated weights, attention tables and first activations exceed SIZE"
                    + " (bytes, or with k/m/g; default 4g). Raise it for very large custom configs.")
    String maxModelBytes;

    private Integer lastBatch, lastSize;

    /** Bytes from "123", "64m" or "8g" (powers of 1024). */
    static long parseSize(String s, String option) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (t.endsWith("k")) unit = 1L << 10;
        else if (t.endsWith("m")) unit = 1L << 20;
        else if (t.endsWith("g")) unit = 1L << 30;
        if (unit > 1) t = t.substring(0, t.length() - 1);
        try {
            long v = Math.multiplyExact(Long.parseLong(t), unit);
            if (v < 1) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new FormworkException(option + " must be a positive size such as 8g or 500m, got '" + s + "'");
        }
    }

    private void applyLimits() {
        ModelBudget.setMaxBytes(maxModelBytes == null ? ModelBudget.DEFAULT_MAX_BYTES : parseSize(maxModelBytes, "--max-model-bytes"));
    }

    /** Builds the same model again, silently (after {@link #load}). */
    LoadedModel loadQuietly(String model) {
        applyLimits();
        return Models.load(model, new LoadOptions(lastBatch, lastSize, weights, seed, weightsKey));
    }

    /** Builds the model; warns once when the weights are random. */
    LoadedModel load(String model, Progress progress, Integer batchFromInput, Integer sizeFromInput) {
        int b = batch != null ? batch : batchFromInput != null ? batchFromInput : 1;
        if (b < 1) throw new FormworkException("--batch must be at least 1, got " + b);
        applyLimits();
        Integer size = imageSize != null ? imageSize : sizeFromInput;
        if (size != null && size < 1) throw new FormworkException("--image-size must be at least 1, got " + size);
        String lower = model.toLowerCase(java.util.Locale.ROOT);
        if (!lower.endsWith(".json") && !lower.endsWith(".onnx") && !Models.zooNames().contains(model)) {
            throw new FormworkException("unknown model \"" + model + "\": expected a zoo name ("
                    + String.join(", ", Models.zooNames()) + "), a .json config or an .onnx file");
        }
        if (weights == null && !lower.endsWith(".onnx")) {
            progress.warn("no --weights given: using random weights (seed " + seed + ")");
        }
        progress.start("building " + model);
        lastBatch = b;
        lastSize = size;
        if (weightsKey != null && weights == null) throw new FormworkException("--weights-key needs --weights FILE");
        LoadedModel m = Models.load(model, new LoadOptions(b, size, weights, seed, weightsKey));
        progress.end();
        m.warnings().forEach(progress::warn);
        return m;
    }
}
