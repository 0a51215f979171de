package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hand-made hostile PyTorch checkpoints for the reader's rules (README, "Errors and limits"):
 * zip bombs, lying zip64 fields, pickle lengths of 2^63, memo indices out of range, a memo
 * flood, 100,000-deep nesting, a BUILD-based {@code __setstate__} payload and a getattr chain.
 * Each is given to {@code inspect} and to {@code convert --out}: exit 2, the error line last
 * and naming the problem, no stack trace, the output folder empty, the payload's marker file
 * never created, and at most 512 MB allocated on the running thread (a reader that trusted a
 * declared size would allocate gigabytes here). The payload fixtures torch itself wrote
 * ({@code os.system}, {@code eval}, {@code Popen}, {@code getattr}) are TorchCheckpointCliTest's.
 */
class TorchHostileInputTest {
    private static final long ALLOCATION_BUDGET = 512L << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    private Path marker() {
        return dir.resolve("payload-ran");
    }

    /** Runs inspect and convert on {@code file}; each must refuse it naming {@code mustMention}. */
    private void refused(Path file, String mustMention) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        String config = TestData.golden("tiny_v1_64").resolve("config.json").toString();
        for (String[] cmd : List.of(new String[] {"inspect", file.toString()},
                new String[] {"convert", config, "--weights", file.toString(), "--target", "onnx", "--out", out.toString()})) {
            long a0 = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
            CliHarness.Outcome o = CliHarness.run(cmd);
            long allocated = THREADS.getThreadAllocatedBytes(Thread.currentThread().getId()) - a0;
            assertEquals(Main.BAD_INPUT, o.exit(), o.err());
            String[] lines = o.err().strip().split("\n");
            String last = lines[lines.length - 1];
            assertTrue(last.startsWith("formwork: error: " + file + ": "), "the error line is last and names the file: " + o.err());
            assertTrue(last.contains(mustMention), "error line should say '" + mustMention + "': " + last);
            assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
            assertFalse(o.err().matches("(?s).*java\\.[a-z.]+\\.[A-Z]\\w*(Exception|Error).*"), "no raw exception text: " + o.err());
            assertTrue(allocated < ALLOCATION_BUDGET, cmd[0] + " allocated " + allocated + " bytes");
        }
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(List.of(), s.toList(), "nothing written to the output folder");
        }
        assertFalse(Files.exists(marker()), "the payload ran");
    }

    // ---- a small pickle assembler and zip writer

    /** Pickle opcodes and operands in order, protocol 2 unless a test writes its own PROTO. */
    static final class Pickle {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Pickle() {
            op(0x80, 2);
        }

        Pickle op(int... bytes) {
            for (int x : bytes) b.write(x);
            return this;
        }

        Pickle raw(byte[] bytes) {
            b.writeBytes(bytes);
            return this;
        }

        Pickle repeat(int op, int n) {
            for (int i = 0; i < n; i++) b.write(op);
            return this;
        }

        Pickle le(long v, int width) {
            for (int i = 0; i < width; i++) b.write((int) (v >>> (8 * i)) & 0xff);
            return this;
        }

        Pickle str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            return op('X').le(u.length, 4).raw(u);
        }

        Pickle integer(long v) {
            return op('J').le(v, 4);
        }

        Pickle global(String module, String name) {
            return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        }

        /** {@code _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', numel), 0, (n,), (1,), False, OrderedDict())}. */
        Pickle tensor(long numel, long n) {
            global("torch._utils", "_rebuild_tensor_v2").op('(');
            op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(numel).op('t', 'Q');
            integer(0).integer(n).op(0x85).integer(1).op(0x85).op(0x89);
            return global("collections", "OrderedDict").op(')', 'R', 't', 'R');
        }

        /** {@code {'w': tensor}} with this pickle's values pushed first under key {@code 'args'}. */
        byte[] bytes() {
            return op('.').b.toByteArray();
        }
    }

    /** A stand-alone pickle of {@code {'args': <value>, 'w': tensor of 1 float}}: the caller's opcodes push the value. */
    static Pickle dictWithArgs() {
        return new Pickle().op('}').str("args");
    }

    static byte[] closeDictWithArgs(Pickle p) {
        p.op('s').str("w").tensor(1, 1).op('s');
        return p.bytes();
    }

    /** One zip entry as written: the sizes and offset it declares may differ from its data. */
    record Entry(String name, int method, byte[] data, long crc, long compressedSize, long size, byte[] zip64Extra) {
        static Entry stored(String name, byte[] data) {
            return new Entry(name, 0, data, crc32(data), data.length, data.length, new byte[0]);
        }
    }

    static long crc32(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    /** Writes local headers, data, central directory and end record; {@code zip64DirOffset} >= 0 adds zip64 end records declaring it. */
    private Path zip(String name, List<Entry> entries, long zip64DirOffset) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        long[] offsets = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            offsets[i] = f.size();
            byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
            f.writeBytes(le(0x04034b50, 4, 20, 2, 0, 2, e.method(), 2, 0, 4, e.crc(), 4, clamp(e.compressedSize()), 4, clamp(e.size()), 4,
                    n.length, 2, 0, 2));
            f.writeBytes(n);
            f.writeBytes(e.data());
        }
        long dirStart = f.size();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] n = e.name().getBytes(StandardCharsets.UTF_8);
            f.writeBytes(le(0x02014b50, 4, 45, 2, 45, 2, 0, 2, e.method(), 2, 0, 4, e.crc(), 4, clamp(e.compressedSize()), 4,
                    clamp(e.size()), 4, n.length, 2, e.zip64Extra().length, 2, 0, 2, 0, 2, 0, 2, 0, 4,
                    e.zip64Extra().length >= 28 ? 0xffffffffL : offsets[i], 4));
            f.writeBytes(n);
            f.writeBytes(e.zip64Extra());
        }
        long dirSize = f.size() - dirStart;
        if (zip64DirOffset >= 0) {
            long z64 = f.size();
            f.writeBytes(le(0x06064b50, 4, 44, 8, 45, 2, 45, 2, 0, 4, 0, 4, entries.size(), 8, entries.size(), 8, dirSize, 8, zip64DirOffset, 8));
            f.writeBytes(le(0x07064b50, 4, 0, 4, z64, 8, 1, 4));
            f.writeBytes(le(0x06054b50, 4, 0, 2, 0, 2, 0xffff, 2, 0xffff, 2, 0xffffffffL, 4, 0xffffffffL, 4, 0, 2));
        } else {
            f.writeBytes(le(0x06054b50, 4, 0, 2, 0, 2, entries.size(), 2, entries.size(), 2, dirSize, 4, dirStart, 4, 0, 2));
        }
        return Files.write(dir.resolve(name), f.toByteArray());
    }

    private static long clamp(long v) {
        return v > 0xffffffffL || v < 0 ? 0xffffffffL : v;
    }

    /** Little-endian fields given as (value, width) pairs. */
    static byte[] le(long... valueWidth) {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < valueWidth.length; i += 2) {
            for (int k = 0; k < valueWidth[i + 1]; k++) b.put((byte) (valueWidth[i] >>> (8 * k)));
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private Path checkpoint(String name, byte[] pkl) throws IOException {
        return zip(name, List.of(Entry.stored("archive/data.pkl", pkl)), -1);
    }

    /**
     * A raw deflate stream that inflates to {@code gib} GiB of zeros in about 1 MB per GiB:
     * one fully flushed 64 MiB block repeated (a full flush resets the compressor, so every
     * block compresses to the same bytes), then an empty final block.
     */
    static byte[] zerosBomb(int gib) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(new byte[64 << 20]);
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH)) > 0) block.write(buf, 0, n);
        d.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < gib * 16; i++) out.writeBytes(block.toByteArray());
        out.write(0x03); // an empty fixed-Huffman block with BFINAL set
        out.write(0x00);
        return out.toByteArray();
    }

    // ---- zip bombs and lying zip fields

    @Test
    void deflatedStorageThatInflatesToGigabytesIsRefusedBeforeAllocating() throws IOException {
        byte[] bomb = zerosBomb(4);
        // Declared as 2 GiB - 4 bytes of floats, within deflate's ratio for the 4 MB stream; the pickle agrees.
        long size = (1L << 31) - 4;
        byte[] pkl = new Pickle().op('}').str("w").tensor(size / 4, 1).op('s').bytes();
        Path f = zip("bomb.pth", List.of(Entry.stored("archive/data.pkl", pkl),
                new Entry("archive/data/0", 8, bomb, 0, bomb.length, size, new byte[0])), -1);
        refused(f, "past 1024 MiB (a zip bomb?)");
        // Declared small: inflation stops at the declared 64 bytes, however far the stream goes.
        pkl = new Pickle().op('}').str("w").tensor(16, 16).op('s').bytes();
        f = zip("bomb-small.pth", List.of(Entry.stored("archive/data.pkl", pkl),
                new Entry("archive/data/0", 8, bomb, 0, bomb.length, 64, new byte[0])), -1);
        refused(f, "deflated data does not inflate to 64 bytes");
        // Declared beyond what deflate can encode from 100 bytes.
        pkl = new Pickle().op('}').str("w").tensor(1L << 28, 1).op('s').bytes();
        f = zip("ratio.pth", List.of(Entry.stored("archive/data.pkl", pkl),
                new Entry("archive/data/0", 8, new byte[100], 0, 100, 1L << 30, new byte[0])), -1);
        refused(f, "declares 1073741824 bytes from 100 deflated bytes, more than deflate can encode");
    }

    @Test
    void lyingZip64FieldsAreRefused() throws IOException {
        byte[] pkl = new Pickle().op('}').bytes();
        // The zip64 extra field says data.pkl is 4 GiB (the 32-bit fields saturated).
        byte[] extra = le(1, 2, 16, 2, 1L << 32, 8, 1L << 32, 8);
        Path f = zip("z64size.pth", List.of(new Entry("archive/data.pkl", 0, pkl, crc32(pkl), 0xffffffffL, 0xffffffffL, extra)), -1);
        refused(f, "archive/data.pkl is 4294967296 bytes; a state dict's pickle is far smaller");
        // ... or that the local header sits at 2^62.
        extra = le(1, 2, 24, 2, pkl.length, 8, pkl.length, 8, 1L << 62, 8);
        f = zip("z64offset.pth", List.of(new Entry("archive/data.pkl", 0, pkl, crc32(pkl), 0xffffffffL, 0xffffffffL, extra)), -1);
        refused(f, "has sizes or offset outside the file");
        // ... or that the central directory starts at 2^63 - 16 (an offset whose sum with the size overflows).
        f = zip("z64dir.pth", List.of(Entry.stored("archive/data.pkl", pkl)), Long.MAX_VALUE - 15);
        refused(f, "lies outside the file");
    }

    // ---- pickle lengths, memo, nesting

    @Test
    void pickleLengthFieldsOfTwoToThe63AreRefused() throws IOException {
        int[] eightByteLengths = {0x8e, 0x8d, 0x96, 0x95}; // BINBYTES8, BINUNICODE8, BYTEARRAY8, FRAME
        for (int op : eightByteLengths) {
            for (long n : new long[] {1L << 63, Long.MAX_VALUE}) {
                Path f = checkpoint("len" + op + ".pth", new Pickle().op(op).le(n, 8).op('.').b.toByteArray());
                refused(f, Long.toUnsignedString(n) + " ");
            }
        }
        Path f = checkpoint("long4.pth", new Pickle().op(0x8b).le(0x7fffffffL, 4).op('.').b.toByteArray());
        refused(f, "length 2147483647 runs past the end");
        f = checkpoint("unicode.pth", new Pickle().op('X').le(0xffffffffL, 4).op('.').b.toByteArray());
        refused(f, "length 4294967295 runs past the end");
    }

    @Test
    void memoIndicesOutOfRangeAndMemoFloodsAreRefused() throws IOException {
        refused(checkpoint("get.pth", new Pickle().op(']', 'q', 0, 'h', 7, '.').b.toByteArray()), "memo entry 7 was never stored");
        refused(checkpoint("longget.pth", new Pickle().op(']', 'r').le(5, 4).op('j').le(0xffffffffL, 4).op('.').b.toByteArray()),
                "memo entry 4294967295 was never stored");
        // 3 million MEMOIZE after one list: a few KB deflated, a memo of millions of entries if unbounded.
        byte[] flood = new Pickle().op(']').repeat(0x94, 3_000_000).op('.').b.toByteArray();
        Path f = zip("flood.pth", List.of(deflated("archive/data.pkl", flood)), -1);
        refused(f, "more than 2097152 values in one pickle");
    }

    private static Entry deflated(String name, byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        return new Entry(name, 8, out.toByteArray(), crc32(data), out.size(), data.length, new byte[0]);
    }

    @Test
    void hundredThousandDeepNestingIsRefusedNotAStackOverflow() throws IOException {
        int deep = 100_000;
        // Lists in lists by APPEND, tuples in tuples by MARK ... TUPLE and by TUPLE1, dicts in dicts.
        Pickle lists = dictWithArgs().repeat(']', deep).repeat('a', deep - 1);
        Pickle marks = dictWithArgs().repeat('(', deep).repeat('t', deep);
        Pickle tuple1 = dictWithArgs().op(')').repeat(0x85, deep);
        Pickle dicts = dictWithArgs().op('}');
        for (int i = 1; i < deep; i++) dicts.op('K', 0, '}');
        dicts.repeat('s', deep - 1);
        for (Pickle p : List.of(lists, marks, tuple1, dicts)) {
            refused(checkpoint("deep.pth", closeDictWithArgs(p)), "values nested more than 100 levels deep");
        }
    }

    // ---- payloads

    @Test
    void buildBasedSetstatePayloadIsRefused() throws IOException {
        // The classic: BUILD {'__setstate__': os.system} on an object, then BUILD 'touch <marker>',
        // which Python's unpickler turns into os.system('touch <marker>').
        Pickle p = dictWithArgs().global("argparse", "Namespace").op(')', 0x81).op('}').str("__setstate__").global("os", "system")
                .op('s', 'b').str("touch " + marker()).op('b');
        refused(checkpoint("setstate.pth", closeDictWithArgs(p)), "refusing pickle global os.system");
        // The same with a callable from a module that is not known to run code: a value, never called.
        p = dictWithArgs().global("argparse", "Namespace").op(')', 0x81).op('}').str("__setstate__").global("mymodule", "run")
                .op('s', 'b').str("touch " + marker()).op('b');
        refused(checkpoint("setstate2.pth", closeDictWithArgs(p)), "refusing pickle global mymodule.run used as a value");
    }

    @Test
    void getattrChainIsRefused() throws IOException {
        // Protocol 4 resolves dotted names attribute by attribute: _rebuild_tensor_v2.__globals__ is torch._utils' globals,
        // whose 'get' would hand back any module; calling it is where the chain must stop.
        Pickle p = new Pickle().op(0x80, 4).op(0x8c, 12).raw("torch._utils".getBytes(StandardCharsets.US_ASCII))
                .op(0x8c, 34).raw("_rebuild_tensor_v2.__globals__.get".getBytes(StandardCharsets.US_ASCII))
                .op(0x93).str("os").op(0x85, 'R').op('.');
        refused(checkpoint("chain.pth", p.b.toByteArray()), "refusing pickle global torch._utils._rebuild_tensor_v2.__globals__.get");
    }
}
