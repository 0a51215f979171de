package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.DType;
import dev.formwork.ir.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The MIL blob storage file {@code weights/weight.bin} (storage format version 2), planned while
 * the program is lowered and streamed to disk afterwards.
 *
 * <p>Layout: a 64-byte header (blob count, version 2), then per blob a 64-byte metadata record
 * (sentinel 0xDEADBEEF, blob dtype, byte size, absolute data offset) immediately followed by the
 * data, each record starting 64-byte aligned. A const's {@code BlobFileValue.offset} is the
 * offset of its metadata record. Offsets follow from sizes alone, so the program can reference a
 * blob before any byte is written; {@link #writeTo} converts one tensor at a time (fp16 in small
 * chunks), so the weights are never assembled in one array.
 */
public final class WeightBlobs {
    public static final String FILE_NAME = "@model_path/weights/weight.bin";
    static final int SENTINEL = 0xDEADBEEF;
    static final int VERSION = 2;
    /** Blob dtype codes of the storage format (not the MIL DataType numbers). */
    public static final int BLOB_FLOAT16 = 1, BLOB_FLOAT32 = 2;
    private static final int CHUNK = 1 << 14;

    private record Entry(Tensor source, boolean fp16, long metaOffset, long byteSize) {}

    private final List<Entry> entries = new ArrayList<>();
    private long end = 64;

    /** Plans one blob; returns the offset of its metadata record. */
    public long add(Tensor source, boolean fp16) {
        if (!source.dtype().isFloat()) throw new IllegalArgumentException("blob of " + source.dtype());
        long meta = align(end);
        long size = source.numel() * (fp16 ? 2 : 4);
        entries.add(new Entry(source, fp16, meta, size));
        end = meta + 64 + size;
        return meta;
    }

    public int count() {
        return entries.size();
    }

    /** File size once written. */
    public long size() {
        return end;
    }

    static long align(long p) {
        return (p + 63) & ~63L;
    }

    public void writeTo(OutputStream out) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(entries.size()).putInt(VERSION);
        out.write(head.array());
        long pos = 64;
        byte[] zeros = new byte[64];
        for (Entry e : entries) {
            out.write(zeros, 0, (int) (e.metaOffset - pos));
            ByteBuffer m = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            m.putInt(SENTINEL).putInt(e.fp16 ? BLOB_FLOAT16 : BLOB_FLOAT32).putLong(e.byteSize)
                    .putLong(e.metaOffset + 64).putLong(0L); // padding_size_in_bits; reserved stay zero
            out.write(m.array());
            writeData(e, out);
            pos = e.metaOffset + 64 + e.byteSize;
        }
    }

    private static void writeData(Entry e, OutputStream out) throws IOException {
        Tensor t = e.source;
        long n = t.numel();
        if (!e.fp16 && t.dtype() == DType.FLOAT32) {
            ByteBuffer b = t.data();
            byte[] buf = new byte[CHUNK * 4];
            while (b.hasRemaining()) {
                int k = Math.min(buf.length, b.remaining());
                b.get(buf, 0, k);
                out.write(buf, 0, k);
            }
            return;
        }
        boolean small = n < Fp16.SMALL;
        if (e.fp16 && t.dtype() == DType.FLOAT32) {
            // Bulk path for the common case (fp32 weights stored as fp16): read a chunk of floats
            // at once and write the halves little-endian, instead of one getFloat per element.
            java.nio.FloatBuffer src = t.asFloatBuffer();
            float[] chunk = new float[CHUNK];
            byte[] bytes = new byte[CHUNK * 2];
            while (src.hasRemaining()) {
                int k = Math.min(CHUNK, src.remaining());
                src.get(chunk, 0, k);
                for (int j = 0; j < k; j++) {
                    short h = Fp16.half(chunk[j], small);
                    bytes[2 * j] = (byte) h;
                    bytes[2 * j + 1] = (byte) (h >>> 8);
                }
                out.write(bytes, 0, 2 * k);
            }
            return;
        }
        int width = e.fp16 ? 2 : 4;
        ByteBuffer buf = ByteBuffer.allocate(CHUNK * width).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; ) {
            buf.clear();
            long stop = Math.min(n, i + CHUNK);
            for (; i < stop; i++) {
                float v = t.getFloat(i);
                if (e.fp16) buf.putShort(Fp16.half(v, small));
                else buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }
}
