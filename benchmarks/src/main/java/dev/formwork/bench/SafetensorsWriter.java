package dev.formwork.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.formwork.ir.DType;
import dev.formwork.ir.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header
 * (keys sorted, each with dtype, shape and data_offsets, plus {@code __metadata__}) padded with
 * spaces so the data starts 8-byte aligned, then each tensor's raw little-endian bytes in key
 * order. Written under a temporary name and renamed, so an interrupted run leaves no half file.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /** Writes {@code tensors} (any key order; the file's order is sorted) with the given metadata. */
    public static long write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        TreeMap<String, Tensor> sorted = new TreeMap<>(tensors);
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) header.put("__metadata__", new TreeMap<>(metadata));
        long offset = 0;
        for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
            Tensor t = e.getValue();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", dtype(t.dtype()));
            List<Integer> shape = new ArrayList<>();
            for (int d : t.shape().toArray()) shape.add(d);
            entry.put("shape", shape);
            entry.put("data_offsets", List.of(offset, offset + t.byteSize()));
            header.put(e.getKey(), entry);
            offset += t.byteSize();
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(header);
        int padded = (int) (((8L + json.length + 7) / 8) * 8 - 8);
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        Path tmp = file.resolveSibling("." + file.getFileName() + ".partial");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(ch, head);
            for (Tensor t : sorted.values()) writeFully(ch, t.data());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return 8L + padded + offset;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    private static String dtype(DType d) {
        return switch (d) {
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case INT64 -> "I64";
            case INT32 -> "I32";
        };
    }

    /** Header text as stored (for tests and diagnostics). */
    static String headerOf(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(len, 0);
            ByteBuffer h = ByteBuffer.allocate((int) len.getLong(0));
            ch.read(h, 8);
            return new String(h.array(), StandardCharsets.UTF_8);
        }
    }
}
