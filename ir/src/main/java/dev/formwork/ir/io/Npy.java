package dev.formwork.ir.io;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.interp.NdArray;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files, version 1.0 (and reading 2.0/3.0 headers), little-endian, C order:
 * float32 and int64 are read and written; float64 and float16 are read (narrowed/widened to float32).
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    public static NdArray read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FormworkException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(bytes, file.toString());
    }

    public static NdArray parse(byte[] bytes, String where) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10) throw new FormworkException(where + ": not a .npy file (too short)");
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) throw new FormworkException(where + ": not a .npy file (bad magic)");
        }
        int major = bytes[6];
        int headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new FormworkException(where + ": truncated .npy header");
            headerLen = b.getInt(8);
            start = 12;
        } else {
            throw new FormworkException(where + ": unsupported .npy version " + major);
        }
        if (headerLen < 0 || start + headerLen > bytes.length) throw new FormworkException(where + ": truncated .npy header");
        String header = new String(bytes, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), o = ORDER.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) throw new FormworkException(where + ": malformed .npy header: " + header.trim());
        if (o.group(1).equals("True")) throw new FormworkException(where + ": Fortran-ordered arrays are not supported");
        int[] shape = parseShape(s.group(1), where);
        long n = NdArray.numel(shape);
        String descr = d.group(1);
        int dataStart = start + headerLen;
        int elem = switch (descr) {
            case "<f4", "<i4" -> 4;
            case "<f8", "<i8" -> 8;
            case "<f2" -> 2;
            default -> throw new FormworkException(where + ": unsupported dtype '" + descr + "' (need <f4, <f8, <f2, <i8 or <i4)");
        };
        if ((long) bytes.length - dataStart != n * elem) {
            throw new FormworkException(where + ": data holds " + (bytes.length - dataStart) + " bytes, shape "
                    + java.util.Arrays.toString(shape) + " needs " + n * elem);
        }
        b.position(dataStart);
        int count = (int) n;
        switch (descr) {
            case "<f4": {
                float[] f = new float[count];
                b.asFloatBuffer().get(f);
                return NdArray.of(shape, f);
            }
            case "<f8": {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) f[i] = (float) b.getDouble(dataStart + 8 * i);
                return NdArray.of(shape, f);
            }
            case "<f2": {
                float[] f = new float[count];
                for (int i = 0; i < count; i++) f[i] = dev.formwork.ir.Half.toFloat(b.getShort(dataStart + 2 * i));
                return NdArray.of(shape, f);
            }
            case "<i8": {
                long[] l = new long[count];
                b.asLongBuffer().get(l);
                return NdArray.ofLongs(shape, l);
            }
            default: {
                long[] l = new long[count];
                for (int i = 0; i < count; i++) l[i] = b.getInt(dataStart + 4 * i);
                return NdArray.ofLongs(shape, l);
            }
        }
    }

    private static int[] parseShape(String s, String where) {
        String t = s.trim();
        if (t.isEmpty()) return new int[0];
        String[] parts = t.split(",");
        int count = 0;
        for (String p : parts) if (!p.isBlank()) count++;
        int[] shape = new int[count];
        int k = 0;
        for (String p : parts) {
            if (p.isBlank()) continue;
            try {
                shape[k++] = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw new FormworkException(where + ": bad shape (" + s + ")");
            }
        }
        return shape;
    }

    /** Header + data of a version 1.0 file. */
    public static byte[] encode(NdArray a) {
        int[] shape = a.shape();
        StringBuilder sh = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sh.append(shape[i]);
            if (shape.length == 1 || i < shape.length - 1) sh.append(", ");
        }
        String shapeStr = sh.toString().replaceAll(", $", shape.length == 1 ? "," : "") + ")";
        String descr = a.isLong() ? "<i8" : "<f4";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeStr + ", }";
        int unpadded = 10 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        int elem = a.isLong() ? 8 : 4;
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + a.size() * elem).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        if (a.isLong()) b.asLongBuffer().put(a.longs());
        else b.asFloatBuffer().put(a.data());
        return b.array();
    }

    public static void write(NdArray a, OutputStream out) throws IOException {
        out.write(encode(a));
    }
}
