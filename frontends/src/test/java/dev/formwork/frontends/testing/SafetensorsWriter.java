package dev.formwork.frontends.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.formwork.ir.Half;
import dev.formwork.ir.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Writes (possibly broken) safetensors files for tests; broken fixtures are never committed. */
public final class SafetensorsWriter {
    private SafetensorsWriter() {}

    /** Writes tensors in map order. {@code dtype} "F32" keeps floats, "F16"/"BF16" narrow them; integers stay I64. */
    public static void write(Path file, Map<String, Tensor> tensors, String floatDtype) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode header = m.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            byte[] bytes;
            String dtype;
            if (t.dtype().isFloat()) {
                float[] f = t.toFloatArray();
                dtype = floatDtype;
                ByteBuffer b = ByteBuffer.allocate(f.length * (floatDtype.equals("F32") ? 4 : 2)).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : f) {
                    switch (floatDtype) {
                        case "F32" -> b.putFloat(v);
                        case "F16" -> b.putShort(Half.fromFloat(v));
                        case "BF16" -> b.putShort((short) (Float.floatToIntBits(v) >>> 16));
                        default -> throw new IllegalArgumentException(floatDtype);
                    }
                }
                bytes = b.array();
            } else {
                dtype = "I64";
                long[] l = t.toLongArray();
                ByteBuffer b = ByteBuffer.allocate(l.length * 8).order(ByteOrder.LITTLE_ENDIAN);
                for (long v : l) b.putLong(v);
                bytes = b.array();
            }
            ObjectNode o = header.putObject(e.getKey());
            o.put("dtype", dtype);
            ArrayNode s = o.putArray("shape");
            for (int d : t.shape().toArray()) s.add(d);
            o.putArray("data_offsets").add(data.size()).add(data.size() + bytes.length);
            data.writeBytes(bytes);
        }
        writeRaw(file, header.toString(), data.toByteArray());
    }

    /** Header length + header text (as given) + data. */
    public static void writeRaw(Path file, String headerJson, byte[] data) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        try {
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
