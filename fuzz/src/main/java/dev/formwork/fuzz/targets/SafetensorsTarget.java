package dev.formwork.fuzz.targets;

import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.Seeds;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code .safetensors}: the header, its layout checks, and every tensor view and widening. */
public final class SafetensorsTarget implements FuzzTarget {
    @Override
    public String name() {
        return "safetensors";
    }

    @Override
    public List<byte[]> seeds(Path work) {
        return List.of(
                file("{\"__metadata__\":{\"format\":\"pt\"},\"a.weight\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                        + "\"a.bias\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[24,30]}}", 30),
                file("{\"b\":{\"dtype\":\"BF16\",\"shape\":[2,2],\"data_offsets\":[0,8]},"
                        + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]},"
                        + "\"i\":{\"dtype\":\"I32\",\"shape\":[0,4],\"data_offsets\":[16,16]}}", 16));
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] h = Seeds.ascii(header);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        for (int i = 0; i < dataBytes; i++) out.write(i * 37);
        return out.toByteArray();
    }

    @Override
    public List<byte[]> tokens() {
        return List.of(Seeds.ascii("\"dtype\":\"F64\""), Seeds.ascii("[4294967295,4294967295,4294967295]"),
                Seeds.ascii("[0,18446744073709551615]"), Seeds.ascii("[".repeat(100_000)), Seeds.ascii("\"__metadata__\""),
                Seeds.ascii("{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}"));
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        return Files.write(dir.resolve("weights.safetensors"), input);
    }

    @Override
    public void read(Path file) {
        SafetensorsFile f = SafetensorsFile.open(file);
        for (String k : f.keys()) {
            f.tensor(k);
            String dt = f.entry(k).dtype();
            if (dt.startsWith("F") || dt.equals("BF16")) f.floatTensor(k);
        }
        f.metadata();
    }
}
