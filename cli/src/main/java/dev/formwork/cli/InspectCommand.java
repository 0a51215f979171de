package dev.formwork.cli;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.frontends.CheckpointFit;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.config.ConfigParser;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.frontends.config.Zoo;
import dev.formwork.frontends.weights.KeyNaming;
import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.frontends.weights.torch.StorageType;
import dev.formwork.frontends.weights.torch.TorchCheckpoint;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphPrinter;
import dev.formwork.ir.Tensor;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Parameters, MACs, op histogram and interface of a model, an artifact or a weights file. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {
            "Shows parameters, MACs, the op histogram and the inputs/outputs of a model, an exported artifact",
            "(.onnx, .tflite, .mlpackage, .mlmodel, .savedmodel) or a weights file (.safetensors, .pth, .pt, .bin): for",
            "weights, the container, naming, tensors, dtypes, bytes and which zoo variants (or --model) the file fits.",
        })
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARTIFACT_OR_MODEL_OR_WEIGHTS", description = "Zoo name, config .json, artifact, or weights .safetensors/.pth/.pt/.bin.")
    String target;

    @Option(names = "--model", paramLabel = "MODEL",
            description = "For a weights file: check the fit against this zoo name or .json config instead of every zoo variant.")
    String fitModel;

    @Option(names = "--json", description = "Print one JSON object (format, params, macs, ops, inputs, outputs).")
    boolean json;

    @Option(names = "--graph", description = "Print the graph as text (models, and .onnx files as imported).")
    boolean graph;

    @Mixin
    ModelOptions modelOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Progress progress = new Progress(spec.commandLine().getErr(), json);
        Path p = Path.of(target);
        boolean onnx = target.toLowerCase(Locale.ROOT).endsWith(".onnx");
        if (onnx && graph) {
            List<String> problems = importProblems(p);
            if (!problems.isEmpty()) {
                throw new dev.formwork.ir.FormworkException(problems.get(0)
                        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more; inspect without --graph lists them)" : ""));
            }
            out.print(GraphPrinter.print(modelOptions.load(target, progress, null, null).graph()));
        } else if (Files.exists(p) && ArtifactReaders.accepts(p)) {
            ArtifactInfo info = ArtifactReaders.read(p);
            if (onnx) {
                printOnnx(out, info, p, importProblems(p));
            } else {
                print(out, info, p.toString());
            }
        } else if (target.toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
            if (modelOptions.weightsKey != null) throw new FormworkException(p + ": --weights-key applies to PyTorch checkpoints; a .safetensors file is one flat state dict");
            SafetensorsFile f = SafetensorsFile.open(p);
            List<Json.Entry> entries = new ArrayList<>();
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            long bytes = 0;
            for (String k : f.keys()) {
                SafetensorsFile.Entry e = f.entry(k);
                entries.add(new Json.Entry(k, e.dtype(), e.shape()));
                tensors.put(k, f.tensor(k));
                bytes += e.end() - e.begin();
            }
            Map<String, Object> container = new LinkedHashMap<>();
            container.put("metadata", new TreeMap<>(f.metadata()));
            printWeights(out, "safetensors", p, entries, bytes, container, tensors);
        } else if (isTorch(target)) {
            TorchCheckpoint ckpt = TorchCheckpoint.read(p, modelOptions.weightsKey);
            ckpt.warnings().forEach(progress::warn);
            List<Json.Entry> entries = new ArrayList<>();
            long bytes = 0;
            for (Map.Entry<String, Tensor> e : ckpt.tensors().entrySet()) {
                StorageType type = ckpt.storageTypes().get(e.getKey());
                entries.add(new Json.Entry(e.getKey(), type.dtypeName(), e.getValue().shape()));
                bytes += e.getValue().shape().numel() * type.elementSize();
            }
            Map<String, Object> container = new LinkedHashMap<>();
            container.put("container", ckpt.format());
            container.put("root", ckpt.root());
            container.put("entry", ckpt.wrapper());
            if (ckpt.wrapper() != null) container.put("top_level_keys", ckpt.topLevelKeys()); // a flat file's are its tensors
            container.put("module_prefix_stripped", ckpt.strippedModulePrefix());
            printWeights(out, "pytorch", p, entries, bytes, container, ckpt.tensors());
        } else {
            LoadedModel m = modelOptions.load(target, progress, null, null);
            if (graph) {
                out.print(GraphPrinter.print(m.graph()));
            } else {
                printModel(out, m);
            }
        }
        out.flush();
        return Main.OK;
    }

    private void printModel(PrintWriter out, LoadedModel m) {
        Graph g = m.graph();
        if (json) {
            Map<String, Object> o = Json.obj();
            o.put("format", "model");
            o.put("name", m.name());
            o.put("params", g.parameterCount());
            o.put("macs", g.macs());
            o.put("ops", g.opHistogram());
            o.put("inputs", Json.ios(g.inputs()));
            o.put("outputs", Json.ios(g.outputs()));
            o.put("nodes", g.nodeCount());
            o.put("weights", m.randomWeights() ? "random" : m.weightsSha256());
            out.println(Json.write(o));
            return;
        }
        out.printf("%s (%s)%n", m.name(), m.randomWeights() ? "random weights" : "weights sha256 " + m.weightsSha256());
        out.printf("  params   %,d%n", g.parameterCount());
        out.printf("  MACs     %,d (%.3f G)%n", g.macs(), g.macs() / 1e9);
        out.printf("  nodes    %d%n", g.nodeCount());
        g.inputs().forEach(v -> out.printf("  input    %s %s %s%n", v.name(), v.dtype().label(), v.shape()));
        g.outputs().forEach(v -> out.printf("  output   %s %s %s%n", v.name(), v.dtype().label(), v.shape()));
        out.printf("  ops      %s%n", histogram(g.opHistogram()));
    }

    /** What blocks importing {@code file} with this command's --batch / --image-size: every unsupported op or attribute. */
    private List<String> importProblems(Path file) {
        var options = new dev.formwork.frontends.onnx.ImportOptions(modelOptions.batch == null ? 1 : modelOptions.batch,
                modelOptions.imageSize, Map.of());
        return dev.formwork.frontends.onnx.OnnxImporter.problems(dev.formwork.frontends.onnx.OnnxWireReader.read(file), options);
    }

    /** An .onnx file: the artifact view plus whether Formwork can import it, and if not, everything in the way. */
    private void printOnnx(PrintWriter out, ArtifactInfo info, Path path, List<String> problems) {
        if (json) {
            Map<String, Object> o = Json.obj();
            o.put("format", info.format());
            o.put("path", path.toString());
            o.put("params", info.params());
            o.put("macs", info.macs() < 0 ? null : info.macs());
            o.put("ops", info.ops());
            o.put("inputs", ios(info.inputs()));
            o.put("outputs", ios(info.outputs()));
            o.put("details", info.details());
            o.put("importable", problems.isEmpty());
            o.put("import_problems", problems);
            out.println(Json.write(o));
            return;
        }
        print(out, info, path.toString());
        if (problems.isEmpty()) {
            out.printf("  import   supported (convert it, or run it with --engine reference)%n");
        } else {
            out.printf("  import   blocked by %d problem%s:%n", problems.size(), problems.size() == 1 ? "" : "s");
            for (String pr : problems) out.printf("    %s%n", pr);
        }
    }

    private void print(PrintWriter out, ArtifactInfo info, String path) {
        if (json) {
            Map<String, Object> o = Json.obj();
            o.put("format", info.format());
            o.put("path", path);
            o.put("params", info.params());
            o.put("macs", info.macs() < 0 ? null : info.macs());
            o.put("ops", info.ops());
            o.put("inputs", ios(info.inputs()));
            o.put("outputs", ios(info.outputs()));
            o.put("details", info.details());
            out.println(Json.write(o));
            return;
        }
        out.printf("%s (%s)%n", path, info.format());
        out.printf("  params   %,d%n", info.params());
        if (info.macs() >= 0) out.printf("  MACs     %,d (%.3f G)%n", info.macs(), info.macs() / 1e9);
        info.inputs().forEach(v -> out.printf("  input    %s %s %s%n", v.name(), v.dtype().label(), v.shape()));
        info.outputs().forEach(v -> out.printf("  output   %s %s %s%n", v.name(), v.dtype().label(), v.shape()));
        out.printf("  ops      %s%n", histogram(info.ops()));
        info.details().forEach((k, v) -> out.printf("  %-8s %s%n", k, v));
    }

    private static boolean isTorch(String t) {
        String l = t.toLowerCase(Locale.ROOT);
        return l.endsWith(".pth") || l.endsWith(".pt") || l.endsWith(".bin");
    }

    /**
     * A weights file: the contract fields (params = element count, no ops or interface), then
     * what the file is (container details, naming, dtype histogram, bytes) and which models it
     * fits, with the closest candidate's loader message when none does.
     */
    private void printWeights(PrintWriter out, String format, Path path, List<Json.Entry> entries, long bytes, Map<String, Object> container,
            Map<String, Tensor> tensors) {
        long params = 0;
        Map<String, Integer> dtypes = new TreeMap<>();
        List<Map<String, Object>> list = new ArrayList<>();
        for (Json.Entry e : entries) {
            params += e.shape().numel();
            dtypes.merge(e.dtype(), 1, Integer::sum);
            list.add(Json.io(e.key(), e.shape(), e.dtype()));
        }
        String naming = KeyNaming.detect(tensors.keySet()).label();
        List<CheckpointFit.Result> fits = fitModel == null ? CheckpointFit.zoo(path.toString(), tensors)
                : CheckpointFit.against(path.toString(), tensors, Map.of(fitName(fitModel), fitConfig(fitModel)));
        List<String> matches = fits.stream().filter(CheckpointFit.Result::fits).map(CheckpointFit.Result::model).toList();
        CheckpointFit.Result closest = matches.isEmpty() ? CheckpointFit.closest(fits) : null;
        if (json) {
            Map<String, Object> o = Json.obj();
            o.put("format", format);
            o.put("path", path.toString());
            o.put("params", params);
            o.put("macs", null);
            o.put("ops", Map.of());
            o.put("inputs", List.of());
            o.put("outputs", List.of());
            o.putAll(container);
            o.put("naming", naming);
            o.put("tensor_count", entries.size());
            o.put("bytes", bytes);
            o.put("dtypes", dtypes);
            o.put("matches", matches);
            if (closest != null) {
                Map<String, Object> c = Json.obj();
                c.put("model", closest.model());
                c.put("problems", closest.problems());
                c.put("message", closest.message());
                o.put("closest", c);
            }
            o.put("tensors", list);
            out.println(Json.write(o));
            return;
        }
        out.printf("%s (%s, %d tensors)%n", path, format, entries.size());
        container.forEach((k, v) -> {
            if (v != null && !Boolean.FALSE.equals(v)) out.printf("  %-12s %s%n", k, v instanceof List<?> l ? String.join(", ", l.stream().map(String::valueOf).toList()) : v);
        });
        out.printf("  %-12s %s%n", "naming", naming);
        out.printf("  %-12s %,d%n", "elements", params);
        out.printf("  %-12s %,d%n", "bytes", bytes);
        out.printf("  %-12s %s%n", "dtypes", histogram(dtypes));
        if (!matches.isEmpty()) {
            out.printf("  %-12s %s%n", "fits", String.join(", ", matches));
        } else {
            out.printf("  %-12s none; closest %s (%d problem%s): %s%n", "fits", closest.model(), closest.problems(), closest.problems() == 1 ? "" : "s",
                    closest.message());
        }
        for (Json.Entry e : entries) out.printf("  %-60s %s %s%n", e.key(), e.dtype(), e.shape());
    }

    private static String fitName(String model) {
        String file = Path.of(model).getFileName().toString();
        return model.toLowerCase(Locale.ROOT).endsWith(".json") ? file.substring(0, file.length() - ".json".length()) : model;
    }

    private static ModelConfig fitConfig(String model) {
        if (model.toLowerCase(Locale.ROOT).endsWith(".json")) return ConfigParser.parse(Path.of(model));
        if (Zoo.has(model)) return Zoo.get(model);
        throw new FormworkException("--model \"" + model + "\": expected a zoo name (" + String.join(", ", Zoo.names()) + ") or a .json config");
    }

    private static List<Map<String, Object>> ios(List<ArtifactInfo.Io> l) {
        List<Map<String, Object>> r = new ArrayList<>();
        for (ArtifactInfo.Io io : l) r.add(Json.io(io.name(), io.shape(), io.dtype().label()));
        return r;
    }

    static String histogram(Map<String, Integer> h) {
        StringBuilder b = new StringBuilder();
        h.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return b.toString();
    }
}
