package dev.formwork.exporters.coreml;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.exporters.coreml.mil.MilLowerings;
import dev.formwork.exporters.coreml.mil.MilProgramWriter;
import dev.formwork.exporters.coreml.mil.MlPackage;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.passes.TargetProfile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Target {@code coreml}: a Core ML ML Program, {@code NAME.mlpackage} (iOS 15..18, default 16).
 * Computes in fp16 unless fp32 is asked for explicitly, as coremltools does, with float32 inputs
 * and outputs; every IR op goes through the lowering table in {@code coreml.mil}.
 */
public final class MlProgramExporter implements Exporter {
    @Override
    public String target() {
        return "coreml";
    }

    @Override
    public String fileName(String name) {
        return name + ".mlpackage";
    }

    @Override
    public TargetProfile profile(ExportOptions options) {
        Set<String> ops = new LinkedHashSet<>(MilLowerings.ops());
        ops.addAll(ExportPrep.VANISHING);
        return new TargetProfile(target(), Set.of("none", "tanh", "sigmoid"), true, TargetProfile.Layout.NCHW, ops);
    }

    @Override
    public void check(Graph graph, ExportOptions options) {
        CoreMlSettings s = CoreMlSettings.forMlProgram(options, graph);
        Set<Node> folded = ExportPrep.foldable(graph);
        for (Node n : graph.nodes()) {
            if (folded.contains(n) || n.is("Identity")) continue;
            MilLowerings.forNode(n).check(n, s);
        }
    }

    @Override
    public void write(Graph graph, ExportOptions options, Path path) throws IOException {
        check(graph, options);
        CoreMlSettings s = CoreMlSettings.forMlProgram(options, graph);
        Graph g = ExportPrep.prepare(graph);
        if (s.image()) ImageInput.foldStd(g, s.std());
        MlPackage.write(path, MilProgramWriter.write(g, s, options, graph));
        CoreMlValidation.validate(path);
    }
}
