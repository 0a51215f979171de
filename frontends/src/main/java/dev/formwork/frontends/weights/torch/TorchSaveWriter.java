package dev.formwork.frontends.weights.torch;

import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Tensor;
import java.io.ByteArrayOutputStream;
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
import java.util.zip.CRC32;

/**
 * Writes a state dict in {@code torch.save}'s layouts, without torch: the zip format (a
 * protocol 2 {@code data.pkl} plus one 64-byte aligned STORED record per tensor, as torch 2.x
 * writes it under {@code archive/}) or the legacy format (five pickles and the raw storages, see
 * {@link LegacyFile}). For benchmarks and tests that need a real-sized checkpoint where torch is
 * not installed; {@code torch.load} reads the files. Each tensor gets its own contiguous storage.
 *
 * <p>The pickle holds only what the restricted reader accepts: {@code collections.OrderedDict},
 * {@code torch._utils._rebuild_tensor_v2} and {@code torch.*Storage} persistent ids, optionally
 * wrapped as {@code {wrapper: state_dict}}. Output is deterministic (no timestamps) and written
 * to a temporary name first, then renamed.
 */
public final class TorchSaveWriter {
    /** One tensor as torch stores it: element type, sizes and little-endian C-order bytes. */
    public record Stored(StorageType type, long[] shape, ByteBuffer bytes) {
        /** An IR tensor's bytes under the matching storage type (float32, float16, int64, int32). */
        public static Stored of(Tensor t) {
            StorageType type = switch (t.dtype()) {
                case FLOAT32 -> StorageType.FLOAT;
                case FLOAT16 -> StorageType.HALF;
                case INT64 -> StorageType.LONG;
                case INT32 -> StorageType.INT;
            };
            return new Stored(type, t.shape().toLongArray(), t.data());
        }
    }

    private static final int ALIGN = 64;

    private TorchSaveWriter() {}

    /** IR tensors under their keys, via {@link Stored#of}. */
    public static Map<String, Stored> stored(Map<String, Tensor> tensors) {
        Map<String, Stored> out = new LinkedHashMap<>();
        tensors.forEach((k, t) -> out.put(k, Stored.of(t)));
        return out;
    }

    /** The zip format; {@code wrapper} null writes the flat state dict, else {@code {wrapper: state_dict}}. Returns the file size. */
    public static long writeZip(Path file, Map<String, Stored> tensors, String wrapper) {
        byte[] pkl = pickle(tensors, wrapper, false);
        List<String> names = new ArrayList<>();
        List<ByteBuffer> data = new ArrayList<>();
        names.add("archive/data.pkl");
        data.add(ByteBuffer.wrap(pkl));
        int i = 0;
        for (Stored s : tensors.values()) {
            names.add("archive/data/" + i++);
            data.add(s.bytes().duplicate());
        }
        names.add("archive/version");
        data.add(ByteBuffer.wrap("3\n".getBytes(StandardCharsets.US_ASCII)));
        names.add("archive/byteorder");
        data.add(ByteBuffer.wrap("little".getBytes(StandardCharsets.US_ASCII)));
        return atomically(file, ch -> writeZipEntries(ch, names, data));
    }

    /** The legacy (non-zip) format, same {@code wrapper} rule. Returns the file size. */
    public static long writeLegacy(Path file, Map<String, Stored> tensors, String wrapper) {
        return atomically(file, ch -> {
            Pickle head = new Pickle();
            head.proto().bigInt(LegacyFile.MAGIC).stop();
            head.proto().integer(LegacyFile.PROTOCOL_VERSION).stop();
            head.proto().emptyDict().str("protocol_version").integer(LegacyFile.PROTOCOL_VERSION).setItem().str("little_endian").op(0x88).setItem()
                    .str("type_sizes").emptyDict().mark().str("short").integer(2).str("int").integer(4).str("long").integer(4).op('u').setItem().stop();
            write(ch, ByteBuffer.wrap(head.bytes()));
            write(ch, ByteBuffer.wrap(pickle(tensors, wrapper, true)));
            Pickle keys = new Pickle();
            keys.proto().op(']').mark();
            for (int i = 0; i < tensors.size(); i++) keys.str(Integer.toString(i));
            keys.op('e').stop();
            write(ch, ByteBuffer.wrap(keys.bytes()));
            for (Stored s : tensors.values()) {
                ByteBuffer n = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, numel(s.shape()));
                write(ch, n);
                write(ch, s.bytes().duplicate());
            }
        });
    }

    /** The pickled (optionally wrapped) OrderedDict of tensors; storage i holds tensor i. */
    private static byte[] pickle(Map<String, Stored> tensors, String wrapper, boolean legacy) {
        Pickle p = new Pickle().proto();
        if (wrapper != null) p.emptyDict().str(wrapper);
        p.global("collections", "OrderedDict").op(')').op('R').mark();
        int i = 0;
        for (Map.Entry<String, Stored> e : tensors.entrySet()) {
            Stored s = e.getValue();
            long[] shape = s.shape();
            long numel = numel(shape);
            if (s.bytes().remaining() != numel * s.type().elementSize()) {
                throw new FormworkException(e.getKey() + ": " + s.bytes().remaining() + " bytes for " + numel + " x " + s.type().dtypeName());
            }
            p.str(e.getKey()).global("torch._utils", "_rebuild_tensor_v2").mark();
            p.mark().str("storage").global("torch", s.type().pythonName()).str(Integer.toString(i++)).str("cpu").integer(numel);
            if (legacy) p.op('N');
            p.op('t').op('Q');
            p.integer(0).mark();
            for (long d : shape) p.integer(d);
            p.op('t').mark();
            long stride = 1;
            long[] strides = new long[shape.length];
            for (int d = shape.length - 1; d >= 0; d--) {
                strides[d] = stride;
                stride *= shape[d];
            }
            for (long st : strides) p.integer(st);
            p.op('t').op(0x89).global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
        }
        p.op('u');
        if (wrapper != null) p.setItem();
        return p.stop().bytes();
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    /** A minimal protocol 2 pickle assembler. */
    private static final class Pickle {
        private final ByteArrayOutputStream b = new ByteArrayOutputStream();

        Pickle op(int code) {
            b.write(code);
            return this;
        }

        Pickle proto() {
            return op(0x80).op(2);
        }

        Pickle mark() {
            return op('(');
        }

        Pickle emptyDict() {
            return op('}');
        }

        Pickle setItem() {
            return op('s');
        }

        Pickle stop() {
            return op('.');
        }

        Pickle str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(u.length).array());
            b.writeBytes(u);
            return this;
        }

        Pickle global(String module, String name) {
            op('c');
            b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Pickle integer(long v) {
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                op('J');
                b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
                return this;
            }
            return bigInt(java.math.BigInteger.valueOf(v));
        }

        /** LONG1: little-endian two's complement. */
        Pickle bigInt(java.math.BigInteger v) {
            byte[] be = v.toByteArray();
            op(0x8a).op(be.length);
            for (int i = be.length - 1; i >= 0; i--) b.write(be[i]);
            return this;
        }

        byte[] bytes() {
            return b.toByteArray();
        }
    }

    private interface Body {
        void write(FileChannel ch) throws IOException;
    }

    private static long atomically(Path file, Body body) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                body.write(ch);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Files.size(file);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // already failing
            }
            throw new FormworkException(file + ": cannot write (" + e.getMessage() + ")");
        }
    }

    private static void write(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** STORED entries with sizes and CRC in the local headers, data padded to 64 bytes by the extra field, then the directory. */
    private static void writeZipEntries(FileChannel ch, List<String> names, List<ByteBuffer> data) throws IOException {
        ByteArrayOutputStream dir = new ByteArrayOutputStream();
        long pos = 0;
        for (int i = 0; i < names.size(); i++) {
            byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
            ByteBuffer d = data.get(i);
            long size = d.remaining();
            if (size >= 0xffffffffL || pos >= 0xffffffffL) throw new IOException("entry over 4 GB needs zip64, which this writer does not emit");
            CRC32 crc = new CRC32();
            crc.update(d.duplicate());
            int extra = (int) ((ALIGN - (pos + 30 + name.length + 4) % ALIGN) % ALIGN) + 4;
            ByteBuffer h = ByteBuffer.allocate(30 + name.length + extra).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(0x04034b50).putShort((short) 20).putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) crc.getValue()).putInt((int) size).putInt((int) size).putShort((short) name.length).putShort((short) extra)
                    .put(name).putShort((short) 0x5a46).putShort((short) (extra - 4)); // a private padding field, as torch pads its records
            write(ch, h.position(0));
            write(ch, d.duplicate());
            ByteBuffer c = ByteBuffer.allocate(46 + name.length).order(ByteOrder.LITTLE_ENDIAN);
            c.putInt(0x02014b50).putShort((short) 20).putShort((short) 20).putShort((short) 0).putShort((short) 0).putShort((short) 0)
                    .putShort((short) 0x21).putInt((int) crc.getValue()).putInt((int) size).putInt((int) size).putShort((short) name.length)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0).putInt((int) pos).put(name);
            dir.writeBytes(c.array());
            pos += 30 + name.length + extra + size;
        }
        byte[] cd = dir.toByteArray();
        ByteBuffer end = ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) names.size()).putShort((short) names.size())
                .putInt(cd.length).putInt((int) pos).putShort((short) 0);
        write(ch, ByteBuffer.wrap(cd));
        write(ch, end.position(0));
    }
}
