package dev.formwork.exporters.coreml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Graph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same graph and options give the same bytes, file by file, for both formats. */
class DeterminismTest {
    @TempDir Path dir;

    private static final List<Supplier<Graph>> GRAPHS = List.of(() -> TinyGraphs.stem(2), TinyGraphs::meta4d, TinyGraphs::attention, TinyGraphs::v2Bits);
    private static final List<ExportOptions> OPTIONS = List.of(new ExportOptions(),
            new ExportOptions().withPrecision(ExportOptions.Precision.FP32, true).withCoremlMinIos(17),
            new ExportOptions().withMetadata("author", "me").withMetadata("weights_sha256", "ab12").withCoremlMinIos(15));

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    private static void assertSameTree(Path a, Path b) throws Exception {
        if (Files.isRegularFile(a)) {
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), a.toString());
            return;
        }
        List<Path> fa = files(a);
        assertEquals(fa, files(b));
        for (Path f : fa) assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f.toString());
    }

    @Test
    void identicalInputsGiveIdenticalBytes() throws Exception {
        int k = 0;
        for (Supplier<Graph> g : GRAPHS) {
            for (ExportOptions o : OPTIONS) {
                k++;
                Path d1 = Files.createDirectories(dir.resolve("a" + k)), d2 = Files.createDirectories(dir.resolve("b" + k));
                ExportOptions named = o.withName("m");
                assertSameTree(CoreMlFiles.mlpackage(g.get(), named, d1), CoreMlFiles.mlpackage(g.get(), named, d2));
                if (!g.get().name().equals("v2bits")) {
                    assertSameTree(CoreMlFiles.mlmodel(g.get(), named, d1), CoreMlFiles.mlmodel(g.get(), named, d2));
                }
            }
        }
    }

    @Test
    void manifestIdentifiersFollowTheContent() throws Exception {
        Path d1 = Files.createDirectories(dir.resolve("x")), d2 = Files.createDirectories(dir.resolve("y"));
        String m1 = Files.readString(CoreMlFiles.mlpackage(TinyGraphs.meta4d(), new ExportOptions().withName("m"), d1).resolve("Manifest.json"));
        String m2 = Files.readString(CoreMlFiles.mlpackage(TinyGraphs.meta4d(), new ExportOptions().withName("m").withMetadata("version", "2"), d2).resolve("Manifest.json"));
        assertNotEquals(m1, m2, "different model bytes, different identifiers");
    }
}
