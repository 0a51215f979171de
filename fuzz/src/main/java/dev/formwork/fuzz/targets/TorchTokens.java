package dev.formwork.fuzz.targets;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Byte strings the mutator splices into checkpoints: pickle opcodes with extreme operands
 * (BINBYTES8 / BINUNICODE8 / FRAME lengths of 2^63 and 2^64-1, LONG4 and BINUNICODE lengths of
 * 2^31 and 2^32-1, memo indices never stored or far out of range, runs of MEMOIZE), deep MARK,
 * TUPLE1 and list nesting, the globals payloads use, and zip records and fields (signatures, a
 * zip64 extra field of saturated sizes and offset, names leaving the archive).
 */
final class TorchTokens {
    private TorchTokens() {}

    static List<byte[]> pickle() {
        List<byte[]> t = new ArrayList<>();
        long[] lengths = {Long.MAX_VALUE, -1L, 1L << 63, 1L << 32, 0x7fffffffL};
        for (long n : lengths) {
            t.add(op(0x8e, le(n, 8))); // BINBYTES8
            t.add(op(0x8d, le(n, 8))); // BINUNICODE8
            t.add(op(0x96, le(n, 8))); // BYTEARRAY8
            t.add(op(0x95, le(n, 8))); // FRAME
            t.add(op(0x8b, le(n, 4))); // LONG4
            t.add(op('X', le(n, 4))); // BINUNICODE
            t.add(op('B', le(n, 4))); // BINBYTES
        }
        t.add(op('j', le(0xffffffffL, 4))); // LONG_BINGET of an index never stored
        t.add(op('h', new byte[] {(byte) 0xff})); // BINGET 255
        t.add(op('r', le(0xffffffffL, 4))); // LONG_BINPUT at the top index
        t.add(repeat(new byte[] {(byte) 0x94}, 4096)); // MEMOIZE run
        t.add(repeat(new byte[] {'('}, 100_000)); // MARK nesting
        t.add(repeat(new byte[] {']'}, 100_000)); // lists to nest
        t.add(repeat(new byte[] {'a'}, 100_000)); // ... by APPEND
        t.add(repeat(new byte[] {(byte) 0x85}, 100_000)); // TUPLE1 nesting
        t.add(concat(repeat(new byte[] {'('}, 10_000), repeat(new byte[] {'t'}, 10_000)));
        t.add(global("os", "system"));
        t.add(global("builtins", "getattr"));
        t.add(global("__main__", "Evil"));
        t.add(global("torch._utils", "_rebuild_tensor_v2"));
        t.add(global("collections", "OrderedDict"));
        t.add(new byte[] {'b'}); // BUILD
        t.add(new byte[] {'R'}); // REDUCE
        t.add(new byte[] {(byte) 0x81}); // NEWOBJ
        t.add(new byte[] {'Q'}); // BINPERSID
        return t;
    }

    static List<byte[]> zip() {
        List<byte[]> t = new ArrayList<>();
        for (int sig : new int[] {0x04034b50, 0x02014b50, 0x06054b50, 0x06064b50, 0x07064b50}) t.add(le(sig, 4));
        t.add(concat(le(1, 2), le(24, 2), le(-1L, 8), le(-1L, 8), le(Long.MAX_VALUE, 8))); // zip64 extra: sizes and offset
        t.add(concat(le(1, 2), le(8, 2), le(1L << 62, 8)));
        t.add(le(0xffffffffL, 4));
        t.add(le(0xffff, 2));
        t.add(ascii("archive/../../x"));
        t.add(ascii("/etc/passwd"));
        t.add(ascii("archive/data.pkl"));
        return t;
    }

    static List<byte[]> all() {
        List<byte[]> t = new ArrayList<>(pickle());
        t.addAll(zip());
        return t;
    }

    private static byte[] global(String module, String name) {
        return ascii("c" + module + "\n" + name + "\n");
    }

    private static byte[] op(int code, byte[] operand) {
        return concat(new byte[] {(byte) code}, operand);
    }

    static byte[] le(long v, int width) {
        byte[] b = new byte[width];
        for (int i = 0; i < width; i++) b[i] = (byte) (v >>> (8 * i));
        return b;
    }

    private static byte[] repeat(byte[] unit, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) out.writeBytes(unit);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
