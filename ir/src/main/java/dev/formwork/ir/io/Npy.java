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

/**
 * NumPy {@code .npy} files. Read: format versions 1.0, 2.0 and 3.0; little- or big-endian float32,
 * float64 and float16 (to float32) and int64 and int32 (to int64); C or Fortran order (Fortran
 * arrays are reordered to C order). Written: version 1.0, little-endian, C order, float32 or int64.
 *
 * <p>The header is parsed as a literal ({@link NpyHeader}), never evaluated, and object arrays
 * ({@code |O}, pickled Python objects) are refused. The data size must equal shape x element
 * size exactly (the product overflow-checked), and files above {@link #MAX_BYTES} are refused
 * before anything is read.
 */
public final class Npy {
    /** Largest file read: far above any image batch, far below what would exhaust the heap. */
    public static final long MAX_BYTES = 1L << 30;
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private Npy() {}

    public static NdArray read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new FormworkException(file + ": " + size + " bytes, more than the " + MAX_BYTES + "-byte limit for .npy arrays");
            }
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new FormworkException(file + ": no such file");
        } catch (IOException e) {
            throw new FormworkException(file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
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
        long headerLen;
        int start;
        if (major == 1) {
            headerLen = b.getShort(8) & 0xffff;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) throw new FormworkException(where + ": truncated .npy header");
            headerLen = Integer.toUnsignedLong(b.getInt(8));
            start = 12;
        } else {
            throw new FormworkException(where + ": unsupported .npy version " + major);
        }
        if (start + headerLen > bytes.length) throw new FormworkException(where + ": truncated .npy header");
        // Version 3.0 headers are UTF-8; 1.0 and 2.0 are Latin-1. The dict's syntax is ASCII either way.
        String header = new String(bytes, start, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = NpyHeader.parse(header, where);
        int[] shape = h.shape();
        String descr = h.descr();
        ByteOrder order = descr.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        String kind = descr.isEmpty() ? "" : (descr.charAt(0) == '<' || descr.charAt(0) == '>' || descr.charAt(0) == '=' || descr.charAt(0) == '|')
                ? descr.substring(1) : descr;
        if (kind.startsWith("O")) {
            throw new FormworkException(where + ": object arrays ('" + FormworkException.shown(descr)
                    + "', pickled Python objects) are refused; save a numeric array");
        }
        int elem = switch (kind) {
            case "f4", "i4" -> 4;
            case "f8", "i8" -> 8;
            case "f2" -> 2;
            default -> throw new FormworkException(where + ": unsupported dtype '" + FormworkException.shown(descr)
                    + "' (need f4, f8, f2, i8 or i4, either byte order)");
        };
        long n = 1;
        try {
            for (int d : shape) n = Math.multiplyExact(n, d);
            Math.multiplyExact(n, elem);
        } catch (ArithmeticException e) {
            throw new FormworkException(where + ": shape " + java.util.Arrays.toString(shape) + " holds more elements than fit in 64 bits");
        }
        long dataStart = start + headerLen;
        if ((long) bytes.length - dataStart != n * elem) {
            throw new FormworkException(where + ": data holds " + (bytes.length - dataStart) + " bytes, shape "
                    + java.util.Arrays.toString(shape) + " needs " + n * elem);
        }
        ByteBuffer data = ByteBuffer.wrap(bytes, (int) dataStart, bytes.length - (int) dataStart).slice().order(order);
        int count = (int) n;
        NdArray a;
        if (kind.startsWith("f")) {
            float[] f = new float[count];
            switch (kind) {
                case "f4" -> data.asFloatBuffer().get(f);
                case "f8" -> {
                    for (int i = 0; i < count; i++) f[i] = (float) data.getDouble(8 * i);
                }
                default -> {
                    for (int i = 0; i < count; i++) f[i] = dev.formwork.ir.Half.toFloat(data.getShort(2 * i));
                }
            }
            if (h.fortranOrder()) f = toCOrder(f, shape);
            a = NdArray.of(shape, f);
        } else {
            long[] l = new long[count];
            if (kind.equals("i8")) data.asLongBuffer().get(l);
            else for (int i = 0; i < count; i++) l[i] = data.getInt(4 * i);
            if (h.fortranOrder()) l = toCOrder(l, shape);
            a = NdArray.ofLongs(shape, l);
        }
        return a;
    }

    /** Strides of a Fortran-ordered (column-major) array: the first axis varies fastest. */
    private static int[] fortranStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int k = 0; k < shape.length; k++) {
            st[k] = s;
            s *= shape[k];
        }
        return st;
    }

    /** Walks the C-order indices and picks each element from its Fortran-order position. */
    private static float[] toCOrder(float[] f, int[] shape) {
        float[] c = new float[f.length];
        int[] st = fortranStrides(shape), idx = new int[shape.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = f[offset(idx, st)];
            next(idx, shape);
        }
        return c;
    }

    private static long[] toCOrder(long[] f, int[] shape) {
        long[] c = new long[f.length];
        int[] st = fortranStrides(shape), idx = new int[shape.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = f[offset(idx, st)];
            next(idx, shape);
        }
        return c;
    }

    private static int offset(int[] idx, int[] st) {
        int o = 0;
        for (int k = 0; k < idx.length; k++) o += idx[k] * st[k];
        return o;
    }

    /** Advances a C-order multi-index (last axis fastest). */
    private static void next(int[] idx, int[] shape) {
        for (int k = idx.length - 1; k >= 0; k--) {
            if (++idx[k] < shape[k]) return;
            idx[k] = 0;
        }
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
