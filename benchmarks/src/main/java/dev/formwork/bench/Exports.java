package dev.formwork.bench;

import dev.formwork.exporters.AtomicOutput;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.exporters.Exporters;
import dev.formwork.exporters.FormworkVersion;
import dev.formwork.ir.Graph;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Exporting the way {@code formwork convert} does, through the same library calls: the target's
 * pipeline ({@link Pipelines#forTarget}, so {@code none} still legalizes) on a copy of the
 * graph, the exporter's capability check, then an atomic write.
 */
public final class Exports {
    private Exports() {}

    /** Whether an exporter for {@code target} is registered in this build. */
    public static boolean hasExporter(String target) {
        return Exporters.targets().contains(target);
    }

    /** Whether some registered runtime opens files with this name (by extension). */
    public static boolean hasRuntime(String fileName) {
        return Runtimes.isArtifact(Path.of(fileName));
    }

    /**
     * The options {@code convert} builds for a model loaded with random weights: its name, the
     * metadata the CLI records, and an explicit precision when {@code precision} is not null
     * (null keeps each target's default, fp16 for the ML Program as in the CLI).
     */
    public static ExportOptions options(Graph graph, String name, ExportOptions.Precision precision) {
        ExportOptions o = new ExportOptions().withName(name)
                .withMetadata("model", name)
                .withMetadata("input_mean", graph.metadata().getOrDefault("input_mean", "0.485,0.456,0.406"))
                .withMetadata("input_std", graph.metadata().getOrDefault("input_std", "0.229,0.224,0.225"))
                .withMetadata("formwork_version", FormworkVersion.VERSION);
        return precision == null ? o : o.withPrecision(precision, true);
    }

    /** Runs {@code selection} ("default", "none", ...) for the target profile on a copy of {@code graph}. */
    public static Graph passes(Graph graph, TargetProfile profile, String selection) {
        List<String> pipeline = Pipelines.forTarget(selection, profile, null);
        Graph g = graph.copy();
        new PassManager().run(g, pipeline, PassContext.of(profile), false);
        return g;
    }

    /** Passes, check and write: returns the artifact's path in {@code dir}. */
    public static Path export(Graph graph, String target, String selection, ExportOptions options, Path dir) throws IOException {
        Exporter e = Exporters.forTarget(target);
        Graph g = passes(graph, e.profile(options), selection);
        e.check(g, options);
        Files.createDirectories(dir);
        Path dest = dir.resolve(e.fileName(options.name()));
        AtomicOutput.write(dest, tmp -> e.write(g, options, tmp));
        return dest;
    }

    /** Opens an artifact on its registered runtime. */
    public static Session open(Path artifact, int threads) {
        return Runtimes.open(artifact, RunOptions.defaults().withThreads(threads));
    }

    /** Total bytes of a file or a directory tree (an .mlpackage). */
    public static long size(Path p) throws IOException {
        if (!Files.exists(p)) return 0;
        if (Files.isRegularFile(p)) return Files.size(p);
        try (var s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException ex) {
                    return 0;
                }
            }).sum();
        }
    }
}
