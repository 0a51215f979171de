package dev.formwork.exporters.coreml.validate;

import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reader of a MIL weight blob file, storage format version 2, written from the format's
 * definition in apple/coremltools {@code mlmodel/src/MILBlob/Blob/StorageFormat.hpp} and the read
 * rules of {@code StorageReader.cpp} (formats.md §2.4). All fields are little-endian.
 *
 * <pre>
 * offset 0: storage_header (64 B) = u32 count, u32 version (must be 2), u64 reserved[7]
 * per blob: blob_metadata (64 B) = u32 sentinel 0xDEADBEEF, u32 blob dtype, u64 sizeInBytes,
 *           u64 data offset (absolute), u64 padding_size_in_bits, u64 reserved[4]; then the data.
 * </pre>
 *
 * A {@code BlobFileValue.offset} in the program points at a blob's metadata record, not at its
 * data. The reader checks the sentinel ({@code "Invalid sentinel"}) and, when data is requested
 * as a type, that the stored type code is that type ({@code "Metadata data type does not match
 * requested type"}); element counts come from {@code sizeInBytes}.
 */
public final class MilBlobFile {
    public static final long SENTINEL = 0xDEADBEEFL;
    public static final int ALIGNMENT = 64;

    /** One blob_metadata record. */
    public record Metadata(long offset, long sentinel, int dtype, long sizeInBytes, long dataOffset,
                           long paddingBits, long[] reserved) {}

    private final Path file;
    private final ByteBuffer buf;

    private MilBlobFile(Path file, ByteBuffer buf) {
        this.file = file;
        this.buf = buf;
    }

    /** Maps the file and checks the storage header (size and version 2). */
    public static MilBlobFile open(Path file) {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException | RuntimeException e) {
            throw new FormworkException(file + ": cannot read weight file: " + e.getMessage(), e);
        }
        MilBlobFile f = new MilBlobFile(file, b);
        if (b.capacity() < 64) throw f.error("shorter than the 64-byte storage header");
        if (f.version() != 2) throw f.error("storage header version " + f.version() + ", the reader expects file format version 2");
        return f;
    }

    public Path path() {
        return file;
    }

    public long size() {
        return buf.capacity();
    }

    /** Number of blobs the header declares. */
    public long count() {
        return Integer.toUnsignedLong(buf.getInt(0));
    }

    public long version() {
        return Integer.toUnsignedLong(buf.getInt(4));
    }

    /** The seven reserved header words. */
    public long[] headerReserved() {
        long[] r = new long[7];
        for (int i = 0; i < 7; i++) r[i] = buf.getLong(8 + 8 * i);
        return r;
    }

    /** The metadata record at {@code offset} without checking the sentinel (for the validator). */
    public Metadata rawMetadata(long offset) {
        if (offset < 0 || offset + 64 > buf.capacity()) {
            throw error("blob metadata offset " + offset + " is past the end of the file (" + buf.capacity() + " bytes)");
        }
        int o = (int) offset;
        long[] reserved = new long[4];
        for (int i = 0; i < 4; i++) reserved[i] = buf.getLong(o + 32 + 8 * i);
        return new Metadata(offset, Integer.toUnsignedLong(buf.getInt(o)), buf.getInt(o + 4), buf.getLong(o + 8),
                buf.getLong(o + 16), buf.getLong(o + 24), reserved);
    }

    /** The metadata record at {@code offset}; fails with "Invalid sentinel" when it is not one. */
    public Metadata metadata(long offset) {
        Metadata m = rawMetadata(offset);
        if (m.sentinel() != SENTINEL) {
            throw error("Invalid sentinel in blob_metadata at offset " + offset
                    + String.format(" (0x%08X, expected 0xDEADBEEF)", m.sentinel()));
        }
        return m;
    }

    /**
     * The raw data of the blob whose metadata is at {@code offset}, as the type with blob code
     * {@code blobCode}; fails when the stored type differs or the data is outside the file.
     */
    public ByteBuffer data(long offset, int blobCode) {
        Metadata m = metadata(offset);
        if (m.dtype() != blobCode) {
            throw error("Metadata data type does not match requested type at offset " + offset
                    + " (stored " + m.dtype() + ", requested " + blobCode + ")");
        }
        if (m.dataOffset() < 0 || m.sizeInBytes() < 0 || m.dataOffset() + m.sizeInBytes() > buf.capacity()) {
            throw error("blob at offset " + offset + " has data [" + m.dataOffset() + ", +" + m.sizeInBytes()
                    + ") outside the file (" + buf.capacity() + " bytes)");
        }
        ByteBuffer d = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        d.position((int) m.dataOffset()).limit((int) (m.dataOffset() + m.sizeInBytes()));
        return d.slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The metadata offsets found by walking the chain from offset 64: each next record starts at
     * the first 64-aligned position after the previous data ({@code StorageReader::GetAllOffsets}).
     * Stops early at a record that is unreadable.
     */
    public List<Long> chainOffsets() {
        List<Long> out = new ArrayList<>();
        long cur = 64;
        for (long i = 0; i < count(); i++) {
            if (cur + 64 > buf.capacity()) break;
            Metadata m = rawMetadata(cur);
            if (m.sentinel() != SENTINEL) break;
            out.add(cur);
            cur = m.dataOffset() + m.sizeInBytes();
            if (cur % ALIGNMENT != 0) cur += ALIGNMENT - cur % ALIGNMENT;
        }
        return out;
    }

    private FormworkException error(String msg) {
        return new FormworkException(file + ": " + msg);
    }
}
