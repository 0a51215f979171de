package dev.formwork.exporters.coreml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.coreml.validate.CoreMlValidator;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Everything the writers produce passes the independent validator (for every target and option
 * combination used here), and the validator really runs: a damaged file is caught.
 */
class ValidatorAcceptanceTest {
    @TempDir Path dir;

    @Test
    void everyWrittenArtifactValidates() throws Exception {
        List<ExportOptions> options = List.of(new ExportOptions(), new ExportOptions().withPrecision(ExportOptions.Precision.FP32, true),
                new ExportOptions().withCoremlMinIos(15), new ExportOptions().withCoremlMinIos(17), new ExportOptions().withCoremlMinIos(18),
                new ExportOptions().withPrecision(ExportOptions.Precision.FP16, true));
        int k = 0;
        for (Graph g : new Graph[] {TinyGraphs.stem(2), TinyGraphs.meta4d(), TinyGraphs.attention(), TinyGraphs.v2Bits()}) {
            for (ExportOptions o : options) {
                Path d = Files.createDirectories(dir.resolve("v" + k++));
                Path p = d.resolve("m.mlpackage");
                new MlProgramExporter().write(g, o.withName("m"), p);
                assertEquals(List.of(), CoreMlValidator.violations(p), g.name() + " " + p);
                if (g.name().equals("v2bits")) continue;
                Path f = d.resolve("m.mlmodel");
                new NeuralNetworkExporter().write(g, o.withName("m"), f);
                assertEquals(List.of(), CoreMlValidator.violations(f), g.name() + " " + f);
            }
        }
        ExportOptions img = new ExportOptions().withCoremlInput("image");
        ExportOptions cls = new ExportOptions().withLabels(List.of("a", "b", "c", "d", "e"));
        Path p1 = dir.resolve("img.mlpackage"), p2 = dir.resolve("img.mlmodel"), p3 = dir.resolve("cls.mlpackage"), p4 = dir.resolve("cls.mlmodel");
        new MlProgramExporter().write(TinyGraphs.stem(1), img, p1);
        new NeuralNetworkExporter().write(TinyGraphs.stem(1), img, p2);
        new MlProgramExporter().write(TinyGraphs.meta4d(), cls, p3);
        new NeuralNetworkExporter().write(TinyGraphs.meta4d(), cls, p4);
        for (Path p : List.of(p1, p2, p3, p4)) assertEquals(List.of(), CoreMlValidator.violations(p), p.toString());
    }

    @Test
    void aDamagedBlobFileIsCaught() throws Exception {
        Path p = CoreMlFiles.mlpackage(TinyGraphs.meta4d(), new ExportOptions().withName("bad"), dir);
        try (RandomAccessFile f = new RandomAccessFile(p.resolve("Data/com.apple.CoreML/weights/weight.bin").toFile(), "rw")) {
            f.seek(64);
            f.writeInt(0); // sentinel of the first blob
        }
        List<String> v = CoreMlValidator.violations(p);
        assertFalse(v.isEmpty());
        assertThrows(FormworkException.class, () -> CoreMlValidation.validate(p));
        assertTrue(String.join(" ", v).toLowerCase().contains("sentinel"), String.join("; ", v));
    }
}
