package dev.formwork.frontends.weights;

import static dev.formwork.frontends.testing.Errors.fails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.testing.SafetensorsWriter;
import dev.formwork.ir.DType;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    @Test
    void readsGoldenFileAsViews() {
        SafetensorsFile f = SafetensorsFile.open(TestData.golden("tiny_v1_64").resolve("weights.safetensors"));
        assertEquals("timm", f.metadata().get("naming"));
        assertEquals(137, f.keys().size());
        Tensor w = f.tensor("stem.conv1.weight");
        assertEquals(DType.FLOAT32, w.dtype());
        assertEquals(Shape.of(8, 3, 3, 3), w.shape());
        assertTrue(w.data().isReadOnly());
        Tensor idx = f.tensor("stages.3.blocks.2.token_mixer.attention_bias_idxs");
        assertEquals(DType.INT64, idx.dtype());
        assertArrayEquals(new long[] {0, 1, 2, 3, 1, 0, 3, 2, 2, 3, 0, 1, 3, 2, 1, 0}, idx.toLongArray());
        assertEquals(Shape.SCALAR, f.tensor("stem.norm1.num_batches_tracked").shape());
        assertEquals(100000L, f.tensor("stem.norm1.num_batches_tracked").getLong(0));
    }

    @Test
    void widensHalfAndBfloat16() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("a", Tensor.ofFloats(Shape.of(3), 1f, -2.5f, 0.125f));
        Path h = dir.resolve("h.safetensors"), b = dir.resolve("b.safetensors");
        SafetensorsWriter.write(h, t, "F16");
        SafetensorsWriter.write(b, t, "BF16");
        SafetensorsFile fh = SafetensorsFile.open(h);
        assertEquals("F16", fh.entry("a").dtype());
        assertEquals(DType.FLOAT16, fh.tensor("a").dtype());
        assertArrayEquals(new float[] {1f, -2.5f, 0.125f}, fh.floatTensor("a").toFloatArray());
        assertEquals(DType.FLOAT32, SafetensorsFile.open(b).floatTensor("a").dtype());
        assertArrayEquals(new float[] {1f, -2.5f, 0.125f}, SafetensorsFile.open(b).floatTensor("a").toFloatArray());
    }

    private Path raw(String header, int dataBytes) {
        Path p = dir.resolve("broken.safetensors");
        SafetensorsWriter.writeRaw(p, header, new byte[dataBytes]);
        return p;
    }

    @Test
    void truncatedFile() throws IOException {
        Path good = TestData.golden("tiny_v1_64").resolve("weights.safetensors");
        byte[] all = Files.readAllBytes(good);
        Path p = dir.resolve("truncated.safetensors");
        Files.write(p, Arrays.copyOf(all, all.length - 100));
        fails(() -> SafetensorsFile.open(p), p.toString(), "key \"head_dist.weight\"", "run past the data region");
        Files.write(p, Arrays.copyOf(all, 5));
        fails(() -> SafetensorsFile.open(p), p.toString(), "truncated");
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        Path p = dir.resolve("long-header.safetensors");
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(1_000_000).put("{\"a\":{}}".getBytes());
        Files.write(p, b.array());
        fails(() -> SafetensorsFile.open(p), p.toString(), "header length 1000000 is beyond the file (40 bytes)");
    }

    @Test
    void overlappingOffsets() {
        Path p = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12);
        fails(() -> SafetensorsFile.open(p), p.toString(), "key \"b\"", "overlap key \"a\"");
    }

    @Test
    void gapsAndTrailingBytes() {
        Path gap = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        fails(() -> SafetensorsFile.open(gap), "key \"a\"", "unused");
        Path trailing = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8);
        fails(() -> SafetensorsFile.open(trailing), "cover 4 bytes but the data region has 8");
    }

    @Test
    void sizeMustMatchShape() {
        Path p = raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8);
        fails(() -> SafetensorsFile.open(p), "key \"a\"", "F32[3] needs 12");
    }

    @Test
    void unknownDtype() {
        Path p = raw("{\"w\":{\"dtype\":\"F99\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
        fails(() -> SafetensorsFile.open(p), p.toString(), "key \"w\"", "unsupported dtype \"F99\"");
    }

    @Test
    void badHeaderJson() {
        Path p = raw("{\"a\": [", 0);
        fails(() -> SafetensorsFile.open(p), p.toString(), "not valid JSON");
    }

    @Test
    void missingFile() {
        Path p = dir.resolve("nope.safetensors");
        fails(() -> SafetensorsFile.open(p), p.toString(), "cannot read");
    }

    @Test
    void sha256IsStreamedHex() throws IOException {
        Path p = dir.resolve("abc");
        Files.writeString(p, "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SafetensorsFile.sha256(p));
    }
}
