package dev.formwork.exporters.tflite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporters;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.passes.TargetProfile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pieces: padding modes, op versions, weight re-layout, the zip, registration and refusals. */
class TfliteWriterPartsTest {
    @TempDir
    Path dir;

    @Test
    void paddingModes() {
        // 3x3 s1 p1: SAME on any input.
        assertEquals(org.tensorflow.lite.schema.Padding.SAME, Padding.of(7, 8, 3, 3, 1, 1, 1, 1, new int[] {1, 1, 1, 1}, 7, 8).mode());
        // 3x3 s2 p1 on an even input: SAME would pad (0, 1), PyTorch (1, 1) -> explicit PAD + VALID.
        Padding even = Padding.of(16, 16, 3, 3, 2, 2, 1, 1, new int[] {1, 1, 1, 1}, 8, 8);
        assertEquals(org.tensorflow.lite.schema.Padding.VALID, even.mode());
        assertArrayEquals(new int[] {1, 1, 1, 1}, even.explicit());
        assertArrayEquals(new int[] {0, 1}, Padding.same(16, 3, 2, 1));
        // Odd input: SAME pads (1, 1), as PyTorch.
        assertNull(Padding.of(15, 15, 3, 3, 2, 2, 1, 1, new int[] {1, 1, 1, 1}, 8, 8).explicit());
        assertEquals(org.tensorflow.lite.schema.Padding.VALID, Padding.of(8, 8, 1, 1, 2, 2, 1, 1, new int[] {0, 0, 0, 0}, 4, 4).mode());
    }

    @Test
    void versionsAndRuntimes() {
        assertEquals(1, OpVersions.transpose(4));
        assertEquals(4, OpVersions.transpose(5));
        assertEquals(6, OpVersions.transpose(6));
        assertEquals("2.9.0", OpVersions.minRuntime(org.tensorflow.lite.schema.BuiltinOperator.GELU, 1));
        assertEquals("2.0.0", OpVersions.minRuntime(org.tensorflow.lite.schema.BuiltinOperator.FULLY_CONNECTED, OpVersions.FC_KEEP_DIMS));
        assertTrue(OpVersions.compare("2.10.0", "2.9.0") > 0, "numeric, not lexicographic");
        assertEquals(3, OpVersions.broadcastBinary(org.tensorflow.lite.schema.BuiltinOperator.SUB, true, 5));
        assertEquals(1, OpVersions.broadcastBinary(org.tensorflow.lite.schema.BuiltinOperator.SUB, true, 4));
    }

    @Test
    void convFilterRelayoutAndFp16() {
        float[] w = new float[2 * 3 * 2 * 2];
        for (int i = 0; i < w.length; i++) w[i] = i;
        Tensor t = Tensor.ofFloats(Shape.of(2, 3, 2, 2), w); // [O, I, kH, kW]
        ConstData d = ConstData.permuted(t, new int[] {0, 2, 3, 1}, DType.FLOAT32); // [O, kH, kW, I]
        assertEquals(Shape.of(2, 2, 2, 3), d.shape());
        ByteBuffer b = ByteBuffer.allocate(d.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        d.writeTo(b);
        b.flip();
        // element [o=1, ky=0, kx=1, i=2] = w[o=1, i=2, ky=0, kx=1] = 1*12 + 2*4 + 0*2 + 1
        assertEquals(21f, b.getFloat(((1 * 2 + 0) * 2 + 1) * 3 * 4 + 2 * 4));
        ConstData h = ConstData.of(t, DType.FLOAT16);
        assertEquals(t.numel() * 2, h.byteLength());
        ByteBuffer hb = ByteBuffer.allocate(h.byteLength()).order(ByteOrder.LITTLE_ENDIAN);
        h.writeTo(hb);
        assertEquals(23f, dev.formwork.ir.Half.toFloat(hb.getShort(23 * 2)));
    }

    @Test
    void standaloneZipIsReadable() throws Exception {
        byte[] zip = AssociatedFiles.zip(0, List.of(new AssociatedFiles.Entry("a.txt", "x\ny\n".getBytes()), new AssociatedFiles.Entry("b.txt", new byte[0])));
        Path p = dir.resolve("t.zip");
        Files.write(p, zip);
        try (var z = new java.util.zip.ZipFile(p.toFile())) {
            assertEquals(2, z.size());
            assertEquals("x\ny\n", new String(z.getInputStream(z.getEntry("a.txt")).readAllBytes()));
            assertEquals(315532800000L, z.getEntry("a.txt").getTime() - java.util.TimeZone.getDefault().getOffset(z.getEntry("a.txt").getTime()),
                    "1980-01-01 00:00 local time");
        }
    }

    @Test
    void registeredAndProfiled() {
        var e = Exporters.forTarget("tflite");
        assertEquals("m.tflite", e.fileName("m"));
        TargetProfile p = e.profile(new ExportOptions());
        assertEquals(TargetProfile.Layout.NHWC, p.layout());
        assertTrue(p.nativeGelu().contains("none") && p.nativeGelu().contains("tanh") && !p.nativeGelu().contains("sigmoid"));
        assertTrue(p.supportedOps().containsAll(List.of("Conv", "MatMul", "Linear", "Softmax", "Gelu", "Resize", "AveragePool")));
        assertTrue(!p.supportedOps().contains("Erf"));
        assertTrue(ArtifactReaders.accepts(Path.of("pom.xml")) == false);
    }

    @Test
    void refusalsNameTheProblem() throws Exception {
        var g = SampleGraph.build(1);
        FormworkException e = assertThrows(FormworkException.class,
                () -> new TfliteExporter().check(g, new ExportOptions().withTfliteInput("nwhc")));
        assertTrue(e.getMessage().contains("--tflite-input nwhc"), e.getMessage());
        Path bad = dir.resolve("bad.tflite");
        Files.write(bad, new byte[] {0, 0, 0, 0, 'X', 'X', 'X', 'X'});
        e = assertThrows(FormworkException.class, () -> new TfliteReader().read(bad));
        assertTrue(e.getMessage().contains("bad.tflite") && e.getMessage().contains("TFL3"), e.getMessage());
        Path junk = dir.resolve("junk.tflite");
        Files.write(junk, new byte[] {(byte) 0xff, (byte) 0xff, 0, 0, 'T', 'F', 'L', '3'});
        e = assertThrows(FormworkException.class, () -> new TfliteReader().read(junk));
        assertTrue(e.getMessage().contains("junk.tflite"), e.getMessage());
    }
}
