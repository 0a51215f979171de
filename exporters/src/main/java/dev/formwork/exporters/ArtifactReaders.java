package dev.formwork.exporters;

import dev.formwork.ir.FormworkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The artifact readers, one per format. */
public final class ArtifactReaders {
    private static final List<ArtifactReader> ALL = new ArrayList<>();

    static {
        // One line per format.
        ALL.add(new dev.formwork.exporters.onnx.OnnxReader());
        ALL.add(new dev.formwork.exporters.tflite.TfliteReader());
        ALL.add(new dev.formwork.exporters.coreml.CoreMlReader());
        ALL.add(new dev.formwork.exporters.savedmodel.SavedModelReader());
    }

    private ArtifactReaders() {}

    public static boolean accepts(Path p) {
        for (ArtifactReader r : ALL) if (r.accepts(p)) return true;
        return false;
    }

    public static ArtifactInfo read(Path p) {
        for (ArtifactReader r : ALL) if (r.accepts(p)) return r.read(p);
        throw new FormworkException(p + ": not an artifact Formwork can read (expected .onnx, .tflite, .mlpackage, .mlmodel or .savedmodel)");
    }
}
