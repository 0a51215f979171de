package dev.formwork.runtimes.tflite;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Value;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** AVERAGE_POOL_2D padding semantics and RESIZE_BILINEAR half-pixel, on TFLite vs the interpreter. */
class PoolResizeWriterTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "k {0} s {1} p {2} count_include_pad {3} size {4}")
    @CsvSource({
        "3, 1, 1, 0, 7",  // V1 mixer: SAME excludes padding
        "3, 1, 1, 0, 8",
        "1, 2, 0, 0, 8",  // V2 LGQuery subsample: VALID
        "1, 2, 0, 0, 7",
        "3, 1, 1, 1, 7",  // padding counted: PAD + VALID
        "2, 2, 0, 0, 8",
    })
    void averagePool(int k, int s, int p, int cip, int size) {
        TinyGraph t = new TinyGraph("pool_" + k + s + p + cip + size);
        Value x = t.conv(t.in(2, 3, size, size), 4);
        Value y = t.op("AveragePool", Attributes.of("kernel", new int[] {k, k}, "strides", new int[] {s, s},
                "pads", new int[] {p, p, p, p}, "count_include_pad", cip), x);
        assertTrue(TfliteHarness.check(t.out(y), dir) < 1e-5);
    }

    @Test
    void poolPaddingThatIsNotSameIsRefused() {
        TinyGraph t = new TinyGraph("pool_bad");
        Value x = t.conv(t.in(1, 3, 8, 8), 4);
        Value y = t.op("AveragePool", Attributes.of("kernel", new int[] {3, 3}, "strides", new int[] {2, 2},
                "pads", new int[] {1, 1, 1, 1}, "count_include_pad", 0), x);
        dev.formwork.ir.Graph g = t.out(y);
        // Refused by check() on the NCHW graph, before anything is written, and by write().
        FormworkException c = assertThrows(FormworkException.class, () -> new dev.formwork.exporters.tflite.TfliteExporter().check(g, new ExportOptions()));
        assertTrue(c.getMessage().contains("averagepool") && c.getMessage().contains("count_include_pad"), c.getMessage());
        FormworkException e = assertThrows(FormworkException.class, () -> TfliteHarness.export(g, new ExportOptions().withName("bad"), dir));
        assertTrue(e.getMessage().contains("averagepool") && e.getMessage().contains("count_include_pad"), e.getMessage());
        assertTrue(!java.nio.file.Files.exists(dir.resolve("bad.tflite")), "nothing written");
    }

    @ParameterizedTest(name = "size {0}")
    @CsvSource({"2", "4", "7"})
    void bilinearHalfPixel(int size) {
        TinyGraph t = new TinyGraph("resize_" + size);
        Value x = t.conv(t.in(2, 3, size, size), 5);
        Value y = t.op("Resize", Attributes.of("scales", new double[] {2, 2}), x);
        assertTrue(TfliteHarness.check(t.out(t.conv(y, 2)), dir) < 1e-5);
    }
}
