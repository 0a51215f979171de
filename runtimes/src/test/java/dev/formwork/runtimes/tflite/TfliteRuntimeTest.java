package dev.formwork.runtimes.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interpreter adapter itself: loading, the verifier, XNNPACK on/off, threads, I/O specs, errors. */
class TfliteRuntimeTest {
    @TempDir
    Path dir;

    private Path model() {
        TinyGraph t = new TinyGraph("rt");
        Value x = t.conv(t.in(1, 3, 12, 12), 8);
        Value y = t.op("ReduceMean", dev.formwork.ir.Attributes.of("axes", new int[] {2, 3}, "keepdims", 0), t.op("Relu", t.conv(x, 8)));
        Graph g = t.out(t.op("Linear", y, t.c(4, 8), t.c(4)));
        return TfliteHarness.export(g, new ExportOptions().withName("rt"), dir);
    }

    @Test
    void registeredForTfliteFiles() {
        assertInstanceOf(TfliteRuntimeAdapter.class, Runtimes.forArtifact(Path.of("m.tflite")));
        assertTrue(new TfliteRuntimeAdapter().accepts(Path.of("A.TFLITE")));
        assertTrue(!new TfliteRuntimeAdapter().accepts(Path.of("a.onnx")));
    }

    @Test
    void reportsTheDeclaredNhwcInterface() {
        try (TfliteSession s = (TfliteSession) new TfliteRuntimeAdapter().open(model(), RunOptions.defaults())) {
            assertEquals("input", s.inputs().get(0).name());
            assertEquals(Shape.of(1, 12, 12, 3), s.inputs().get(0).shape());
            assertEquals(DType.FLOAT32, s.inputs().get(0).dtype());
            assertEquals(Shape.of(1, 4), s.outputs().get(0).shape());
        }
    }

    @Test
    void xnnpackDelegatesAndCanBeTurnedOff() {
        Path p = model();
        try (TfliteSession on = (TfliteSession) new TfliteRuntimeAdapter().open(p, RunOptions.defaults());
             TfliteSession off = (TfliteSession) new TfliteRuntimeAdapter().open(p, RunOptions.defaults().withXnnpack(false))) {
            assertTrue(on.executionPlanSize() < on.nodeCount() || on.executionPlanSize() == 1, "XNNPACK took nodes: plan " + on.executionPlanSize());
            assertEquals(off.nodeCount(), off.executionPlanSize(), "builtin kernels only");
            NdArray x = TfliteHarness.gaussian(new int[] {1, 12, 12, 3}, 3, false);
            NdArray a = on.run(x)[0], b = off.run(x)[0];
            assertTrue(dev.formwork.ir.interp.Comparison.of(a, b).withinFp32());
        }
    }

    @Test
    void threadsGiveTheSameAnswerAndBytesStayAlive() {
        Path p = model();
        NdArray x = TfliteHarness.gaussian(new int[] {1, 12, 12, 3}, 4, false);
        NdArray one = TfliteHarness.run(p, new NdArray[] {x}, true, 1)[0];
        try (var s = new TfliteRuntimeAdapter().open(p, RunOptions.defaults().withThreads(2))) {
            for (int i = 0; i < 3; i++) {
                System.gc();
                assertArrayEquals(one.data(), s.run(x)[0].data(), 1e-5f);
            }
        }
    }

    @Test
    void badFilesAreRefusedByName() throws Exception {
        Path garbage = dir.resolve("garbage.tflite");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 'T', 'F', 'L', '3', 9, 9, 9, 9});
        FormworkException e = assertThrows(FormworkException.class, () -> new TfliteRuntimeAdapter().open(garbage, RunOptions.defaults()));
        assertTrue(e.getMessage().contains("garbage.tflite") && e.getMessage().contains("verifier"), e.getMessage());
        Path cut = dir.resolve("cut.tflite");
        byte[] full = Files.readAllBytes(model());
        Files.write(cut, Arrays.copyOf(full, full.length / 2));
        assertThrows(FormworkException.class, () -> new TfliteRuntimeAdapter().open(cut, RunOptions.defaults()));
        e = assertThrows(FormworkException.class, () -> new TfliteRuntimeAdapter().open(dir.resolve("missing.tflite"), RunOptions.defaults()));
        assertTrue(e.getMessage().contains("missing.tflite"), e.getMessage());
    }

    @Test
    void wrongInputShapeIsOneLine() {
        try (var s = new TfliteRuntimeAdapter().open(model(), RunOptions.defaults())) {
            FormworkException e = assertThrows(FormworkException.class, () -> s.run(NdArray.zeros(1, 3, 12, 12)));
            assertTrue(e.getMessage().contains("[1,12,12,3]"), e.getMessage());
        }
    }
}
