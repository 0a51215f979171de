package dev.formwork.frontends;

import dev.formwork.frontends.config.ConfigParser;
import dev.formwork.frontends.config.Family;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.frontends.config.Zoo;
import dev.formwork.frontends.efficientformer.BuiltModel;
import dev.formwork.frontends.efficientformer.EfficientFormerV1Builder;
import dev.formwork.frontends.efficientformer.EfficientFormerV2Builder;
import dev.formwork.frontends.onnx.ImportOptions;
import dev.formwork.frontends.onnx.OnnxImporter;
import dev.formwork.frontends.weights.CheckpointWeights;
import dev.formwork.frontends.weights.RandomWeights;
import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.frontends.weights.WeightSource;
import dev.formwork.frontends.weights.torch.TorchCheckpoint;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The one entry point other modules use to get a model: a zoo name, a {@code .json} config or
 * an {@code .onnx} file, with checkpoint or random weights.
 *
 * <p>Loading never executes anything from a file: configs are data, safetensors are a JSON
 * header plus raw bytes, PyTorch checkpoints go through a restricted unpickler that only builds
 * data ({@link TorchCheckpoint}), and the graph is built by Java code from the config alone.
 */
public final class Models {
    private Models() {}

    /** The zoo names: efficientformer-l1/-l3/-l7, efficientformerv2-s0/-s1/-s2/-l. */
    public static List<String> zooNames() {
        return Zoo.names();
    }

    /** Loads {@code model} (zoo name, {@code .json} config path or {@code .onnx} path). */
    public static LoadedModel load(String model, LoadOptions options) {
        String lower = model.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".onnx")) return importOnnx(Path.of(model), options);
        ModelConfig config;
        String name;
        if (lower.endsWith(".json")) {
            Path p = Path.of(model);
            config = ConfigParser.parse(p);
            String file = p.getFileName().toString();
            name = file.substring(0, file.length() - ".json".length());
        } else if (Zoo.has(model)) {
            config = Zoo.get(model);
            name = model;
        } else {
            throw new FormworkException("unknown model \"" + model + "\": expected a zoo name (" + String.join(", ", Zoo.names())
                    + "), a .json config or an .onnx file");
        }
        return build(name, config, options);
    }

    /** Builds a model from an already parsed config (tests, release manifests). */
    public static LoadedModel build(String name, ModelConfig config, LoadOptions options) {
        if (options.imageSize() != null && options.imageSize() != config.imageSize()) {
            config = config.withImageSize(options.imageSize());
        }
        Path weightsFile = options.weights();
        WeightSource weights;
        String sha = null;
        List<String> warnings = List.of();
        if (weightsFile == null) {
            weights = new RandomWeights(options.seed());
        } else {
            CheckpointWeights w = openWeights(weightsFile, config.family(), options.weightsKey());
            weights = w;
            warnings = w.warnings();
            sha = SafetensorsFile.sha256(weightsFile);
        }
        BuiltModel built = config.family() == Family.V1
                ? EfficientFormerV1Builder.build(name, config, weights, options.batch())
                : EfficientFormerV2Builder.build(name, config, weights, options.batch());
        Graph g = built.graph();
        if (sha != null) g.metadata().put("weights_sha256", sha);
        return new LoadedModel(g, config, name, sha, weightsFile == null, built.taps(), warnings);
    }

    /** Dispatch on the checkpoint container: safetensors, or a PyTorch checkpoint (.pth/.pt/.bin, zip or legacy). */
    private static CheckpointWeights openWeights(Path file, Family family, String weightsKey) {
        if (!Files.isRegularFile(file)) throw new FormworkException(file + ": weights file not found");
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".safetensors")) {
            if (weightsKey != null) throw new FormworkException(file + ": --weights-key applies to PyTorch checkpoints; a .safetensors file is one flat state dict");
            return CheckpointWeights.open(file, family);
        }
        if (n.endsWith(".pth") || n.endsWith(".pt") || n.endsWith(".bin")) {
            TorchCheckpoint c = TorchCheckpoint.read(file, weightsKey);
            return CheckpointWeights.of(file.toString(), c.tensors(), family).withWarnings(c.warnings());
        }
        throw new FormworkException(file + ": unknown weights format (expected .safetensors, .pth, .pt or .bin)");
    }

    /**
     * ONNX import: the file's graph made static (a dynamic batch dim takes {@code --batch},
     * default 1; dynamic image dims take {@code --image-size}); the weights are the file's.
     */
    private static LoadedModel importOnnx(Path file, LoadOptions options) {
        if (options.weights() != null) throw new FormworkException(file + ": an .onnx model carries its weights; --weights does not apply");
        Graph g = OnnxImporter.importFile(file, onnxOptions(options));
        String sha = SafetensorsFile.sha256(file); // the weights are the file's: its hash identifies them
        g.metadata().put("weights_sha256", sha);
        return new LoadedModel(g, null, g.name(), sha, false, java.util.Map.of());
    }

    /** The import bindings {@code options} give: batch and image size. */
    public static ImportOptions onnxOptions(LoadOptions options) {
        return new ImportOptions(options.batch(), options.imageSize(), java.util.Map.of());
    }
}
