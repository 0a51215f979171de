package dev.formwork.cli;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.frontends.weights.torch.TorchCheckpoint;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphPrinter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
            "(.onnx, .tflite, .mlpackage, .mlmodel) or a weights file (.safetensors).",
        })
final class InspectCommand implements Callable<Integer> {
    @Parameters(paramLabel = "ARTIFACT_OR_MODEL_OR_WEIGHTS", description = "Zoo name, config .json, artifact or .safetensors.")
    String target;

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
            SafetensorsFile f = SafetensorsFile.open(p);
            List<Json.Entry> entries = new ArrayList<>();
            for (String k : f.keys()) entries.add(new Json.Entry(k, f.entry(k).dtype(), f.entry(k).shape()));
            printWeights(out, "safetensors", p, entries, new TreeMap<>(f.metadata()));
        } else if (isTorch(target)) {
            TorchCheckpoint ckpt = TorchCheckpoint.read(p);
            List<Json.Entry> entries = new ArrayList<>();
            ckpt.tensors().forEach((k, t) -> entries.add(new Json.Entry(k, t.dtype().label(), t.shape())));
            Map<String, String> meta = new TreeMap<>();
            meta.put("wrapper", String.valueOf(ckpt.wrapper()));
            meta.put("top_level_keys", String.join(",", ckpt.topLevelKeys()));
            printWeights(out, "pytorch", p, entries, meta);
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

    private void printWeights(PrintWriter out, String format, Path path, List<Json.Entry> entries, Map<String, String> meta) {
        long params = 0;
        Map<String, Integer> dtypes = new TreeMap<>();
        List<Map<String, Object>> tensors = new ArrayList<>();
        for (Json.Entry e : entries) {
            params += e.shape().numel();
            dtypes.merge(e.dtype(), 1, Integer::sum);
            tensors.add(Json.io(e.key(), e.shape(), e.dtype()));
        }
        if (json) {
            Map<String, Object> o = Json.obj();
            o.put("format", format);
            o.put("path", path.toString());
            o.put("params", params);
            o.put("macs", null);
            o.put("ops", Map.of());
            o.put("inputs", List.of());
            o.put("outputs", List.of());
            o.put("dtypes", dtypes);
            o.put("tensors", tensors);
            o.put("metadata", meta);
            out.println(Json.write(o));
            return;
        }
        out.printf("%s (%s, %d tensors)%n", path, format, entries.size());
        out.printf("  elements %,d%n", params);
        out.printf("  dtypes   %s%n", histogram(dtypes));
        meta.forEach((k, v) -> out.printf("  %-8s %s%n", k, v));
        for (Json.Entry e : entries) out.printf("  %-60s %s %s%n", e.key(), e.dtype(), e.shape());
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
