package dev.formwork.exporters;

import java.nio.file.Path;

/** Reads an artifact's structure back from the file (for {@code inspect}). */
public interface ArtifactReader {
    boolean accepts(Path artifact);

    /** Bad or unreadable files raise a FormworkException naming the file. */
    ArtifactInfo read(Path artifact);
}
