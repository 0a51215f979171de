package dev.formwork.exporters.coreml;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.exporters.coreml.nn.NnLowerings;
import dev.formwork.exporters.coreml.nn.NnModelWriter;
import dev.formwork.exporters.coreml.nn.NnStreamWriter;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.passes.TargetProfile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Target {@code coreml-nn}: a Core ML NeuralNetwork, {@code NAME.mlmodel}, for iOS 13/14 devices
 * (specification 4, or 5 when a layer needs it). float32 weights unless fp16 is asked for
 * explicitly; every IR op goes through the lowering table in {@code coreml.nn}.
 */
public final class NeuralNetworkExporter implements Exporter {
    @Override
    public String target() {
        return "coreml-nn";
    }

    @Override
    public String fileName(String name) {
        return name + ".mlmodel";
    }

    @Override
    public TargetProfile profile(ExportOptions options) {
        Set<String> ops = new LinkedHashSet<>(NnLowerings.ops());
        ops.addAll(ExportPrep.VANISHING);
        return new TargetProfile(target(), Set.of("none", "tanh", "sigmoid"), true, TargetProfile.Layout.NCHW, ops);
    }

    @Override
    public void check(Graph graph, ExportOptions options) {
        CoreMlSettings s = CoreMlSettings.forNeuralNetwork(options, graph);
        Set<Node> folded = ExportPrep.foldable(graph);
        for (Node n : graph.nodes()) {
            if (folded.contains(n) || n.is("Identity")) continue;
            NnLowerings.forNode(n).check(n, s);
        }
    }

    @Override
    public void write(Graph graph, ExportOptions options, Path path) throws IOException {
        check(graph, options);
        CoreMlSettings s = CoreMlSettings.forNeuralNetwork(options, graph);
        Graph g = ExportPrep.prepare(graph);
        if (s.image()) ImageInput.foldStd(g, s.std());
        NnModelWriter.Written model = NnModelWriter.write(g, s, options, graph);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            NnStreamWriter.write(model, out);
        }
        CoreMlValidation.validate(path);
    }
}
