package dev.formwork.exporters.savedmodel;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.passes.TargetProfile;
import dev.formwork.passes.layout.ToNhwcLayout;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The {@code savedmodel} target: a TF1-style TensorFlow SavedModel folder {@code NAME.savedmodel/}
 * ({@code saved_model.pb} and an empty {@code variables/}), tag {@code serve}, signature
 * {@code serving_default} taking {@code input} float32 NHWC (NCHW with {@code --tf-input nchw})
 * and returning {@code logits}.
 *
 * <p>An NCHW graph is first laid out by {@link ToNhwcLayout}, as for TFLite. TensorFlow has no
 * GELU kernel op and no LayerNorm op, so the profile asks the passes for the Erf form of GELU and
 * the writers emit LayerNorm's arithmetic.
 */
public final class SavedModelExporter implements Exporter {
    /** The graph file inside the folder. */
    public static final String GRAPH_FILE = "saved_model.pb", VARIABLES_DIR = "variables";

    @Override
    public String target() {
        return "savedmodel";
    }

    @Override
    public String fileName(String name) {
        return name + ".savedmodel";
    }

    @Override
    public TargetProfile profile(ExportOptions options) {
        return new TargetProfile("savedmodel", Set.of(), false, TargetProfile.Layout.NHWC, Writers.supported());
    }

    @Override
    public void check(Graph graph, ExportOptions options) {
        checkOptions(options);
        SavedModelWriter.check(graph, options);
    }

    /** The graph laid out NHWC (unchanged when it already is) with the interface --tf-input asks for. */
    public static Graph layout(Graph graph, ExportOptions options) {
        if (ToNhwcLayout.isLaidOut(graph)) {
            String have = graph.metadata().getOrDefault("input_layout", "NHWC");
            if (!have.equalsIgnoreCase(options.tfInput())) {
                throw new FormworkException("graph " + graph.name() + " was laid out with a " + have + " interface, --tf-input is " + options.tfInput());
            }
            return graph;
        }
        return ToNhwcLayout.apply(graph, options.tfInput()).graph();
    }

    @Override
    public void write(Graph graph, ExportOptions options, Path path) throws IOException {
        checkOptions(options);
        Graph g = layout(graph, options);
        SavedModelWriter.check(g, options);
        var model = SavedModelWriter.build(g, options);
        Files.createDirectories(path.resolve(VARIABLES_DIR));
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path.resolve(GRAPH_FILE)), 1 << 16)) {
            SavedModelWriter.serialize(model, out);
        }
    }

    private static void checkOptions(ExportOptions o) {
        String in = o.tfInput();
        if (!"nhwc".equals(in) && !"nchw".equals(in)) throw new FormworkException("--tf-input " + in + ": expected nhwc or nchw");
    }
}
