package dev.formwork.runtimes;

import dev.formwork.ir.FormworkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds the runtime for an artifact by its extension. */
public final class Runtimes {
    private static final List<ArtifactRuntime> ALL = new ArrayList<>();

    static {
        // One line per runtime.
        ALL.add(new dev.formwork.runtimes.onnx.OnnxRuntimeAdapter());
        ALL.add(new dev.formwork.runtimes.tflite.TfliteRuntimeAdapter());
        ALL.add(new dev.formwork.runtimes.coreml.CoreMlRuntime());
        ALL.add(new dev.formwork.runtimes.tensorflow.SavedModelRuntime());
    }

    private Runtimes() {}

    public static ArtifactRuntime forArtifact(Path artifact) {
        for (ArtifactRuntime r : ALL) if (r.accepts(artifact)) return r;
        throw new FormworkException(artifact + ": no runtime for this kind of file (expected .onnx, .tflite, .mlpackage, .mlmodel or .savedmodel)");
    }

    public static boolean isArtifact(Path p) {
        for (ArtifactRuntime r : ALL) if (r.accepts(p)) return true;
        return false;
    }

    public static Session open(Path artifact, RunOptions options) {
        return forArtifact(artifact).open(artifact, options);
    }
}
