package dev.formwork.fuzz;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One reader under fuzzing: where its seed files come from, how a mutated input becomes a file
 * (or folder) on disk, and which reader call must accept or refuse it. Adding a reader to the
 * harness is one small class implementing this and one line in {@link Targets}.
 */
public interface FuzzTarget {
    /** Short name used on the command line and for regression folders, e.g. {@code npy}. */
    String name();

    /** Valid inputs to mutate; {@code work} is a scratch folder the target may build them in. */
    List<byte[]> seeds(Path work) throws IOException;

    /** Byte strings worth splicing into this format (keywords, numbers, deep nesting); may be empty. */
    default List<byte[]> tokens() {
        return List.of();
    }

    /** Writes {@code input} where the reader expects it inside {@code dir} and returns the path to read. */
    Path materialize(byte[] input, Path dir) throws IOException;

    /** Runs the reader. Refusing the file with a FormworkException is fine; anything else is a failure. */
    void read(Path file);
}
