package dev.formwork.exporters;

import dev.formwork.ir.Graph;
import dev.formwork.passes.TargetProfile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One output format. The caller runs the pass pipeline for {@link #profile}, then {@link #check}
 * (which refuses unsupported ops before anything is written), then {@link #write} into a
 * temporary path that it renames when complete.
 */
public interface Exporter {
    /** Target name on the command line, e.g. {@code onnx}. */
    String target();

    /** File name for an artifact called {@code name}, e.g. {@code name.onnx}. */
    String fileName(String name);

    /** What this target runs natively, for the pass pipeline. */
    TargetProfile profile(ExportOptions options);

    /** Throws a FormworkException naming the first node or option this target cannot write. */
    void check(Graph graph, ExportOptions options);

    /** Writes the artifact (a file, or a directory for .mlpackage) at {@code path}. */
    void write(Graph graph, ExportOptions options, Path path) throws IOException;
}
