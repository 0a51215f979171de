package dev.formwork.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the repository's shared test data ({@code testdata/} at the root), from whichever
 * module directory the tests run in.
 */
public final class TestData {
    private TestData() {}

    public static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path candidate = p.resolve("testdata");
            if (Files.isDirectory(candidate.resolve("golden"))) return candidate;
            p = p.getParent();
        }
        throw new IllegalStateException("testdata/ not found above " + Path.of("").toAbsolutePath());
    }

    /** A golden case folder: {@code tiny_v1_64}, {@code tiny_v2_64} or {@code s0_224}. */
    public static Path golden(String name) {
        return root().resolve("golden").resolve(name);
    }
}
