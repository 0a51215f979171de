package dev.formwork.runtimes;

import java.nio.file.Path;

/** A runtime that executes one artifact format. */
public interface ArtifactRuntime {
    /** Short name for messages and reports, e.g. {@code onnxruntime}. */
    String name();

    /** Whether this runtime runs the file (by its extension). */
    boolean accepts(Path artifact);

    /** Loads the artifact; bad files raise a FormworkException naming the file. */
    Session open(Path artifact, RunOptions options);
}
