package dev.formwork.fuzz.targets;

import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.Seeds;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** NumPy {@code .npy}: versions 1.0 and 2.0 headers, every dtype the reader knows. */
public final class NpyTarget implements FuzzTarget {
    @Override
    public String name() {
        return "npy";
    }

    @Override
    public List<byte[]> seeds(Path work) {
        float[] f = new float[24];
        for (int i = 0; i < f.length; i++) f[i] = i * 0.25f - 2;
        return List.of(
                Npy.encode(NdArray.of(new int[] {1, 2, 3, 4}, f)),
                Npy.encode(NdArray.ofLongs(new int[] {3}, new long[] {1, -2, 3})),
                Npy.encode(NdArray.of(new int[0], new float[] {7f})),
                custom(1, "<f8", "(2, 2)", 32),
                custom(2, "<f4", "(3,)", 12),
                custom(1, "<f2", "(1, 4)", 8),
                custom(1, "<i4", "(2,)", 8));
    }

    /** A hand-made file of the given version, dtype and shape with {@code dataBytes} of data. */
    static byte[] custom(int version, String descr, String shape, int dataBytes) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int pre = version == 1 ? 10 : 12;
        int pad = (64 - (pre + dict.length() + 1) % 64) % 64;
        byte[] header = Seeds.ascii(dict + " ".repeat(pad) + "\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        ByteBuffer len = ByteBuffer.allocate(version == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (version == 1) len.putShort((short) header.length);
        else len.putInt(header.length);
        out.writeBytes(len.array());
        out.writeBytes(header);
        for (int i = 0; i < dataBytes; i++) out.write(i % 3 == 0 ? 0x3f : i);
        return out.toByteArray();
    }

    @Override
    public List<byte[]> tokens() {
        return List.of(Seeds.ascii("'|O'"), Seeds.ascii("'>f4'"), Seeds.ascii("True"), Seeds.ascii("(4294967296, 4294967296)"),
                Seeds.ascii("(" + "(".repeat(100_000)), Seeds.ascii("'shape': (),"), Seeds.ascii("__import__('os')"),
                Seeds.ascii("'descr': [('a', '<f4')],"));
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        return Files.write(dir.resolve("x.npy"), input);
    }

    @Override
    public void read(Path file) {
        Npy.read(file);
    }
}
