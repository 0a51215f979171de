package dev.formwork.golden.coreml;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.exporters.coreml.MlProgramExporter;
import dev.formwork.exporters.coreml.NeuralNetworkExporter;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.Pipelines;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Export a loaded model to Core ML (either format) and run it on Formwork's Core ML executor. */
final class CoreMlArtifacts {
    private CoreMlArtifacts() {}

    static final ExportOptions FP32 = new ExportOptions().withPrecision(ExportOptions.Precision.FP32, true);

    static ExportOptions options(LoadedModel m, ExportOptions base) {
        ExportOptions o = base.withName(m.name()).withMetadata("model", m.name());
        return m.weightsSha256() != null ? o.withMetadata("weights_sha256", m.weightsSha256()) : o;
    }

    /** The graph as loaded (like {@code convert --passes none}) or after the default pipeline for the target. */
    static Graph graph(LoadedModel m, Exporter e, ExportOptions o, boolean passes) {
        if (!passes) return m.graph();
        Graph g = m.graph().copy();
        var profile = e.profile(o);
        new PassManager().run(g, Pipelines.forTarget("default", profile, o.gelu()), PassContext.of(profile).withGelu(o.gelu()), false);
        return g;
    }

    static Path mlpackage(Graph g, ExportOptions o, Path dir, String tag) throws IOException {
        return export(new MlProgramExporter(), g, o, dir, tag);
    }

    static Path mlmodel(Graph g, ExportOptions o, Path dir, String tag) throws IOException {
        return export(new NeuralNetworkExporter(), g, o, dir, tag);
    }

    static Path export(Exporter e, Graph g, ExportOptions o, Path dir, String tag) throws IOException {
        Path d = Files.createDirectories(dir.resolve(tag));
        Path p = d.resolve(e.fileName(o.name()));
        e.check(g, o);
        e.write(g, o, p);
        return p;
    }

    static NdArray run(Path artifact, NdArray input, boolean fp16Compute) {
        try (Session s = Runtimes.open(artifact, RunOptions.defaults().withFp16Compute(fp16Compute))) {
            return s.run(input)[0];
        }
    }

    static long size(Path p) throws IOException {
        if (Files.isRegularFile(p)) return Files.size(p);
        try (var s = Files.walk(p)) {
            long n = 0;
            for (Path f : (Iterable<Path>) s::iterator) if (Files.isRegularFile(f)) n += Files.size(f);
            return n;
        }
    }
}
