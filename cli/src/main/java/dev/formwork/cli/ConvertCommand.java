package dev.formwork.cli;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.exporters.Exporters;
import dev.formwork.exporters.FormworkVersion;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** MODEL -> passes -> one artifact per target, each written atomically, optionally verified. */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Converts MODEL into deployable artifacts:",
            "  onnx -> NAME.onnx   tflite -> NAME.tflite   coreml -> NAME.mlpackage (ML Program)",
            "  coreml-nn -> NAME.mlmodel (NeuralNetwork, iOS 13/14)   savedmodel -> NAME.savedmodel/ (TensorFlow)",
            "  all = onnx, tflite, coreml",
            "Each artifact is written under a temporary name and renamed when complete.",
        })
final class ConvertCommand implements Callable<Integer> {
    @Parameters(paramLabel = "MODEL", description = "Zoo name or config .json.")
    String model;

    @Option(names = "--target", required = true, split = ",", paramLabel = "T",
            description = "One or more of onnx, tflite, coreml, coreml-nn, savedmodel, all (comma-separated).")
    List<String> targets;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", description = "Artifact name (default: the zoo name or config file stem).")
    String name;

    @Option(names = "--precision", paramLabel = "P",
            description = "fp32 or fp16 (default fp32; Core ML ML Program defaults to fp16 compute as coremltools does).")
    String precision;

    @Option(names = "--passes", paramLabel = "LIST", defaultValue = "default",
            description = "default, none, or a comma-separated list of pass names (see 'formwork passes').")
    String passes;

    @Option(names = "--check-passes", description = "Run every pass's numeric certificate (slower).")
    boolean checkPasses;

    @Option(names = "--opset", paramLabel = "N", defaultValue = "17", description = "ONNX opset, 13..22 (default ${DEFAULT-VALUE}).")
    int opset;

    @Option(names = "--gelu", paramLabel = "FORM",
            description = "exact (default), tanh or sigmoid: approximate GELU (the error it costs is reported).")
    String gelu;

    @Option(names = "--tflite-input", paramLabel = "LAYOUT", defaultValue = "nhwc",
            description = "TFLite input layout: nhwc (default) or nchw (one leading transpose).")
    String tfliteInput;

    @Option(names = "--tf-input", paramLabel = "LAYOUT", defaultValue = "nhwc",
            description = "SavedModel input layout: nhwc (default) or nchw (one leading transpose).")
    String tfInput;

    @Option(names = "--min-ios", paramLabel = "N", defaultValue = "16", description = "Core ML deployment target: 15, 16, 17 or 18 (default ${DEFAULT-VALUE}).")
    int minIos;

    @Option(names = "--coreml-input", paramLabel = "KIND", defaultValue = "array",
            description = "Core ML input: array (MultiArray, default) or image (RGB, ImageNet normalisation inside).")
    String coremlInput;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class labels, one per line: makes a classifier (Core ML) / adds labels (TFLite metadata).")
    Path labels;

    @Option(names = "--verify", description = "Run every artifact on its runtime and compare with the reference interpreter; exit 1 on mismatch.")
    boolean verify;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write a JSON report (artifacts, sizes, sha256, op histograms, passes, verification).")
    Path report;

    @Option(names = "--quiet", description = "No progress lines.")
    boolean quiet;

    @Mixin
    ModelOptions modelOptions;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        Progress progress = new Progress(spec.commandLine().getErr(), quiet);
        // Everything that can be refused is refused before any work or any file.
        List<Exporter> exporters = resolveTargets(targets);
        ExportOptions options = baseOptions();
        prepareOutputFolder(out);
        List<String> labelList = readLabels();
        if (labelList != null) options = options.withLabels(labelList);

        LoadedModel m = modelOptions.load(model, progress, null, null);
        Graph graph = m.graph();
        ModelSource source = new ModelSource(graph, () -> modelOptions.loadQuietly(model).graph());
        options = options.withName(name != null ? name : m.name())
                .withMetadata("model", m.name())
                .withMetadata("weights_sha256", m.weightsSha256())
                .withMetadata("input_mean", graph.metadata().getOrDefault("input_mean", "0.485,0.456,0.406"))
                .withMetadata("input_std", graph.metadata().getOrDefault("input_std", "0.229,0.224,0.225"))
                .withMetadata("formwork_version", FormworkVersion.VERSION);
        if (labelList != null && labelList.size() != graph.output(0).shape().dim(-1)) {
            throw new FormworkException(labels + ": " + labelList.size() + " labels for " + graph.output(0).shape().dim(-1) + " classes");
        }
        ModelInfo info = new ModelInfo(m.name(), m.randomWeights() ? "random" : m.weightsSha256(), onnxFileOps(model));
        m = null;
        graph = null; // the source owns the only reference now
        Conversion conversion = new Conversion(source, options, passes, checkPasses, modelOptions.seed, progress);
        List<Conversion.Written> written = conversion.run(exporters, out, report != null);
        boolean ok = true;
        if (verify) ok = conversion.verify(written, modelOptions.seed, stdout);
        for (Conversion.Written w : written) stdout.println(w.path() + "  " + String.format(Locale.ROOT, "%,d", w.bytes()) + " bytes");
        if (report != null) conversion.writeReport(report, info, written);
        stdout.flush();
        return ok ? Main.OK : Main.MISMATCH;
    }

    /** What the report says about the source model (kept instead of the model itself); fileOps: an .onnx input's own op table, else null. */
    record ModelInfo(String name, String weights, Map<String, Integer> fileOps) {}

    /** The op histogram of an .onnx input file as written (the "before" of a cleaned re-export), or null for other models. */
    private static Map<String, Integer> onnxFileOps(String model) {
        if (!model.toLowerCase(Locale.ROOT).endsWith(".onnx")) return null;
        Map<String, Integer> ops = new java.util.TreeMap<>();
        for (var n : dev.formwork.frontends.onnx.OnnxWireReader.read(Path.of(model)).graph().nodes()) ops.merge(n.opType(), 1, Integer::sum);
        return ops;
    }

    private static List<Exporter> resolveTargets(List<String> names) {
        LinkedHashSet<String> expanded = new LinkedHashSet<>();
        for (String t : names) {
            String n = t.trim().toLowerCase(Locale.ROOT);
            if (n.equals("all")) {
                expanded.addAll(List.of("onnx", "tflite", "coreml"));
            } else if (!n.isEmpty()) {
                expanded.add(n);
            }
        }
        if (expanded.isEmpty()) throw new FormworkException("--target: no target given");
        List<Exporter> list = new ArrayList<>();
        for (String n : expanded) list.add(Exporters.forTarget(n));
        return list;
    }

    private ExportOptions baseOptions() {
        ExportOptions o = new ExportOptions();
        if (opset < 13 || opset > 22) throw new FormworkException("--opset " + opset + " is outside 13..22");
        o = o.withOnnxOpset(opset);
        if (precision != null) {
            String p = precision.toLowerCase(Locale.ROOT);
            if (!p.equals("fp32") && !p.equals("fp16")) throw new FormworkException("--precision must be fp32 or fp16, got " + precision);
            o = o.withPrecision(p.equals("fp16") ? ExportOptions.Precision.FP16 : ExportOptions.Precision.FP32, true);
        }
        if (gelu != null) {
            if (!List.of("exact", "tanh", "sigmoid").contains(gelu)) throw new FormworkException("--gelu must be exact, tanh or sigmoid, got " + gelu);
            o = o.withGelu(gelu);
        }
        if (!tfliteInput.equals("nhwc") && !tfliteInput.equals("nchw")) {
            throw new FormworkException("--tflite-input must be nhwc or nchw, got " + tfliteInput);
        }
        o = o.withTfliteInput(tfliteInput);
        if (!tfInput.equals("nhwc") && !tfInput.equals("nchw")) {
            throw new FormworkException("--tf-input must be nhwc or nchw, got " + tfInput);
        }
        o = o.withTfInput(tfInput);
        if (minIos < 13 || minIos > 18) throw new FormworkException("--min-ios must be 13..18 (15..18 for ML Program), got " + minIos);
        o = o.withCoremlMinIos(minIos);
        if (!coremlInput.equals("array") && !coremlInput.equals("image")) {
            throw new FormworkException("--coreml-input must be array or image, got " + coremlInput);
        }
        return o.withCoremlInput(coremlInput);
    }

    private static void prepareOutputFolder(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) throw new FormworkException("--out " + dir + ": not a folder");
            Files.createDirectories(dir);
            dev.formwork.exporters.AtomicOutput.removeLeftovers(dir);
            Path probe = Files.createTempFile(dir, ".formwork-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new FormworkException("--out " + dir + ": not writable (" + e.getMessage() + ")");
        }
    }

    private List<String> readLabels() {
        if (labels == null) return null;
        try {
            List<String> l = new ArrayList<>();
            for (String line : Files.readAllLines(labels)) {
                String s = line.strip();
                if (!s.isEmpty()) l.add(s);
            }
            if (l.isEmpty()) throw new FormworkException(labels + ": no labels in file");
            return l;
        } catch (IOException e) {
            throw new FormworkException(labels + ": cannot read labels (" + e.getMessage() + ")");
        }
    }
}
