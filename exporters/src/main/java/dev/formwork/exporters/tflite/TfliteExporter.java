package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.passes.TargetProfile;
import dev.formwork.passes.layout.ToNhwcLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

/**
 * The {@code tflite} target: a TensorFlow Lite flatbuffer, NHWC float32 input (or NCHW with
 * {@code --tflite-input nchw}), fp32 or fp16 weights, with TFLite model metadata and, when labels
 * are given, a labels file packed as an associated file.
 *
 * <p>An NCHW graph is first laid out by {@link ToNhwcLayout} (after the caller's pass pipeline);
 * {@link #layout} exposes that step with its report of the transposes left.
 */
public final class TfliteExporter implements Exporter {
    @Override
    public String target() {
        return "tflite";
    }

    @Override
    public String fileName(String name) {
        return name + ".tflite";
    }

    @Override
    public TargetProfile profile(ExportOptions options) {
        return new TargetProfile("tflite", Set.of("none", "tanh"), false, TargetProfile.Layout.NHWC, Lowerings.supported());
    }

    @Override
    public void check(Graph graph, ExportOptions options) {
        checkOptions(graph, options);
        TfliteWriter.check(graph, options);
    }

    /** The graph laid out for TFLite (unchanged when it already is) and what the layout left. */
    public static ToNhwcLayout.Result layout(Graph graph, ExportOptions options) {
        if (ToNhwcLayout.isLaidOut(graph)) {
            String have = graph.metadata().getOrDefault("input_layout", "NHWC");
            if (!have.equalsIgnoreCase(options.tfliteInput())) {
                throw new FormworkException("graph " + graph.name() + " was laid out with a " + have + " interface, --tflite-input is " + options.tfliteInput());
            }
            return new ToNhwcLayout.Result(graph, null);
        }
        return ToNhwcLayout.apply(graph, options.tfliteInput());
    }

    @Override
    public void write(Graph graph, ExportOptions options, Path path) throws IOException {
        checkOptions(graph, options);
        Graph g = layout(graph, options).graph();
        TfliteWriter.check(g, options);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = TfliteWriter.write(g, options, ch);
            if (options.labels() != null) {
                byte[] zip = AssociatedFiles.zip(size, List.of(new AssociatedFiles.Entry(TfliteMetadata.LABELS_FILE,
                        AssociatedFiles.labels(options.labels()))));
                ByteBuffer z = ByteBuffer.wrap(zip);
                long at = size;
                while (z.hasRemaining()) at += ch.write(z, at);
            }
        }
    }

    private static void checkOptions(Graph graph, ExportOptions o) {
        String in = o.tfliteInput();
        if (!"nhwc".equals(in) && !"nchw".equals(in)) throw new FormworkException("--tflite-input " + in + ": expected nhwc or nchw");
        if (o.labels() != null && !graph.outputs().isEmpty()) {
            int classes = graph.output(0).shape().dim(-1);
            if (o.labels().size() != classes) {
                throw new FormworkException("labels: " + o.labels().size() + " labels for " + classes + " output classes of " + graph.name());
            }
        }
    }
}
