package dev.formwork.ir.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Half;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    private static final int[][] SHAPES = {{}, {5}, {2, 3}, {2, 3, 4}, {2, 1, 3, 2}, {0, 3}};

    @Test
    void roundTripFloat32AndInt64Ranks0To4() throws IOException {
        for (int[] s : SHAPES) {
            int n = 1;
            for (int d : s) n *= d;
            float[] f = new float[n];
            long[] l = new long[n];
            for (int i = 0; i < n; i++) {
                f[i] = (float) Math.sin(i) * 1e3f;
                l[i] = (i % 2 == 0 ? -1L : 1L) * (1L << (i % 62)) + i;
            }
            if (n > 1) f[1] = Float.NaN;
            NdArray fa = NdArray.of(s, f), la = NdArray.ofLongs(s, l);
            Path pf = dir.resolve("f" + s.length + n + ".npy"), pl = dir.resolve("l" + s.length + n + ".npy");
            try (var out = Files.newOutputStream(pf)) {
                Npy.write(fa, out);
            }
            Files.write(pl, Npy.encode(la));
            NdArray rf = Npy.read(pf), rl = Npy.read(pl);
            assertArrayEquals(s, rf.shape());
            assertFalse(rf.isLong());
            for (int i = 0; i < n; i++) assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(rf.data()[i]));
            assertArrayEquals(s, rl.shape());
            assertArrayEquals(l, rl.longs());
            checkHeaderLayout(Npy.encode(fa), s, "<f4");
            checkHeaderLayout(Npy.encode(la), s, "<i8");
        }
    }

    /** v1.0: magic, version 1.0, LE header length, dict padded with spaces to 64 bytes, newline. */
    private static void checkHeaderLayout(byte[] b, int[] shape, String descr) {
        assertEquals((byte) 0x93, b[0]);
        assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.ISO_8859_1));
        assertEquals(1, b[6]);
        assertEquals(0, b[7]);
        int len = (b[8] & 0xff) | (b[9] & 0xff) << 8;
        assertEquals(0, (10 + len) % 64, "header padded to 64");
        assertEquals('\n', b[10 + len - 1]);
        String h = new String(b, 10, len, StandardCharsets.ISO_8859_1);
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + String.join(", ", Arrays.stream(shape).mapToObj(Integer::toString).toList()) + ")";
        assertTrue(h.contains("'descr': '" + descr + "'"), h);
        assertTrue(h.contains("'fortran_order': False"), h);
        assertTrue(h.contains("'shape': " + tuple), h + " vs " + tuple);
    }

    /** A file as NumPy writes it, built by hand: any version, header text and raw data. */
    private static byte[] file(int major, String dict, byte[] data) {
        int pre = major == 1 ? 10 : 12;
        String header = dict + " ".repeat((64 - (pre + dict.length() + 1) % 64) % 64) + "\n";
        ByteBuffer b = ByteBuffer.allocate(pre + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) header.length());
        else b.putInt(header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1)).put(data);
        return b.array();
    }

    private static byte[] le(int elem, int n, java.util.function.BiConsumer<ByteBuffer, Integer> put) {
        ByteBuffer b = ByteBuffer.allocate(elem * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) put.accept(b, i);
        return b.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void readsHandWrittenHeaders() throws IOException {
        byte[] f4 = le(4, 4, (b, i) -> b.putFloat(i * 1.5f - 1));
        NdArray a = Npy.read(write("a.npy", file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", f4)));
        assertArrayEquals(new int[] {2, 2}, a.shape());
        assertArrayEquals(new float[] {-1, 0.5f, 2, 3.5f}, a.data());
        // key order and spacing as older NumPy versions wrote them; no trailing comma
        NdArray b = Npy.read(write("b.npy", file(1, "{'fortran_order':False,'shape':(4,),'descr':'<f4'}", f4)));
        assertArrayEquals(new int[] {4}, b.shape());
        NdArray c = Npy.read(write("c.npy", file(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", f4)));
        assertArrayEquals(new int[] {1, 4}, c.shape());
        NdArray d = Npy.read(write("d.npy", file(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }",
                le(8, 3, (bb, i) -> bb.putDouble(new double[] {0.1, -1e300, 1 + 1e-12}[i])))));
        assertArrayEquals(new float[] {0.1f, Float.NEGATIVE_INFINITY, 1f}, d.data()); // narrowed as a cast does
        NdArray h = Npy.read(write("h.npy", file(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }",
                le(2, 2, (bb, i) -> bb.putShort(Half.fromFloat(new float[] {1.5f, -65504f}[i]))))));
        assertArrayEquals(new float[] {1.5f, -65504f}, h.data());
        NdArray i4 = Npy.read(write("i4.npy", file(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }",
                le(4, 2, (bb, i) -> bb.putInt(new int[] {-7, Integer.MAX_VALUE}[i])))));
        assertArrayEquals(new long[] {-7, Integer.MAX_VALUE}, i4.longs());
        NdArray s = Npy.read(write("s.npy", file(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }",
                le(8, 1, (bb, i) -> bb.putLong(-5)))));
        assertArrayEquals(new int[0], s.shape());
        assertArrayEquals(new long[] {-5}, s.longs());
    }

    @Test
    void readsBigEndianAndFortranOrderCorrectly() throws IOException {
        // Values by construction: the C-order array is 0, 1, 2, ... over shape (2, 3).
        ByteBuffer be = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < 6; i++) be.putFloat(i);
        NdArray a = Npy.read(write("be.npy", file(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", be.array())));
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, a.data());
        // Fortran order stores columns first: a[0,0], a[1,0], a[0,1], a[1,1], a[0,2], a[1,2].
        byte[] f = le(4, 6, (bb, i) -> bb.putFloat(new float[] {0, 3, 1, 4, 2, 5}[i]));
        NdArray fo = Npy.read(write("f.npy", file(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f)));
        assertArrayEquals(new int[] {2, 3}, fo.shape());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, fo.data());
        // Big-endian float64, Fortran order, format 2.0, rank 3 (2, 2, 2): C index = 4i + 2j + k, Fortran offset = i + 2j + 4k.
        ByteBuffer d = ByteBuffer.allocate(64).order(ByteOrder.BIG_ENDIAN);
        double[] fortran = new double[8];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 2; j++) for (int k = 0; k < 2; k++) fortran[i + 2 * j + 4 * k] = 4 * i + 2 * j + k;
        for (double v : fortran) d.putDouble(v);
        NdArray g = Npy.read(write("g.npy", file(2, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 2, 2), }", d.array())));
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, g.data());
        ByteBuffer l = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN).putLong(-3).putLong(1L << 40);
        NdArray li = Npy.read(write("l.npy", file(1, "{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }", l.array())));
        assertArrayEquals(new long[] {-3, 1L << 40}, li.longs());
    }

    private void assertBad(String name, byte[] bytes, String why) throws IOException {
        Path p = write(name, bytes);
        FormworkException e = assertThrows(FormworkException.class, () -> Npy.read(p), name);
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains(why), "says why (" + why + "): " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void rejectsBrokenFilesNamingThem() throws IOException {
        byte[] good = file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new byte[16]);
        byte[] magic = good.clone();
        magic[1] = 'X';
        assertBad("magic.npy", magic, "magic");
        assertBad("short.npy", new byte[] {(byte) 0x93, 'N', 'U'}, "short");
        assertBad("empty.npy", new byte[0], "short");
        assertBad("truncated_data.npy", Arrays.copyOf(good, good.length - 3), "bytes");
        assertBad("truncated_header.npy", Arrays.copyOf(good, 40), "truncated");
        assertBad("bool.npy", file(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }", new byte[4]), "dtype");
        assertBad("u8.npy", file(1, "{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }", new byte[16]), "dtype");
        assertBad("object.npy", file(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[16]), "object arrays");
        assertBad("code.npy", file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': __import__('os')}", new byte[4]),
                "unknown key");
        assertBad("call.npy", file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': eval('(1,)'), }", new byte[4]), "expected '('");
        assertBad("nested.npy", file(2, "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(".repeat(100_000) + "}", new byte[4]),
                "integer");
        assertBad("overflow.npy", file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }",
                new byte[4]), "64 bits");
        assertBad("newline.npy", file(1, "{'descr': '<f4', 'fort\nran_order': False, 'shape': (1,), }", new byte[4]), "unknown key");
        assertBad("version.npy", file(4, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", new byte[16]), "version");
        assertBad("noshape.npy", file(1, "{'descr': '<f4', 'fortran_order': False}", new byte[16]), "header");
        assertBad("badshape.npy", file(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", new byte[16]), "shape");
        Path missing = dir.resolve("missing.npy");
        FormworkException e = assertThrows(FormworkException.class, () -> Npy.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void readsTheGoldenInput() {
        NdArray x = Npy.read(TestData.golden("tiny_v1_64").resolve("input.npy"));
        assertArrayEquals(new int[] {2, 3, 64, 64}, x.shape());
        assertFalse(x.isLong());
        // values as numpy.load reports them
        assertEquals(-1.1433916091918945f, x.data()[0]);
        assertEquals(0.06478558480739594f, x.data()[1]);
        assertEquals(-1.3661305904388428f, x.data()[2]);
        assertEquals(-1.1820321083068848f, x.data()[((0 * 3 + 1) * 64 + 5) * 64 + 7]);
        assertEquals(-0.4561987519264221f, x.data()[x.size() - 1]);
        double sum = 0;
        for (float v : x.data()) sum += v;
        assertEquals(-45.37159507146862, sum, 1e-9);
    }

    @Test
    void readsGoldenFloat64Narrowed() {
        Path dir = TestData.golden("tiny_v1_64");
        NdArray e = Npy.read(dir.resolve("expected_f64.npy"));
        assertArrayEquals(new int[] {2, 10}, e.shape());
        assertEquals((float) -1.057167303761629, e.data()[0]);
        assertEquals((float) -0.13300812530345596, e.data()[1]);
        assertEquals((float) 0.5767957716495923, e.data()[2]);
        assertEquals((float) -0.8159508398450149, e.data()[19]);
        // the float32 file is the same logits cast once
        NdArray f = Npy.read(dir.resolve("expected.npy"));
        assertArrayEquals(f.data(), e.data());
    }

    @Test
    void writeToStreamEqualsEncode() throws IOException {
        NdArray a = NdArray.of(new int[] {3}, new float[] {1, 2, 3});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(a, out);
        assertArrayEquals(Npy.encode(a), out.toByteArray());
        assertArrayEquals(a.data(), Npy.parse(out.toByteArray(), "mem").data());
    }
}
