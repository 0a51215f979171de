package dev.formwork.frontends.weights.torch;

import dev.formwork.ir.FormworkException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The zip container of a {@code torch.save} file, read so that stored tensor data can be
 * memory-mapped in place.
 *
 * <p>Why not {@link java.util.zip.ZipFile}: it only offers entries as streams, which would copy
 * every weight into the heap, and it does not expose where an entry's bytes start. Torch writes
 * its storages uncompressed (STORED) and pads each local header's extra field so the data is
 * 64-byte aligned; to map that region we need the local header offset from the central
 * directory and then the local header's own name and extra lengths (30 + n + e bytes). Sizes
 * and CRCs come from the central directory, because torch sets flag bit 3 and leaves the local
 * header's sizes zero. DEFLATED entries (a file re-zipped by hand) are inflated with
 * {@link Inflater} into a heap buffer. Zip64 (files or entries over 4 GB) is understood.
 */
final class ZipArchive implements Closeable {
    /** One central directory entry (sizes and CRC as the directory gives them; see {@link #dataOffset} for where the bytes start). */
    record Entry(String name, int method, int flags, long crc, long compressedSize, long size, long localOffset) {}

    private static final int EOCD = 0x06054b50, ZIP64_EOCD = 0x06064b50, ZIP64_LOCATOR = 0x07064b50;
    private static final int CENTRAL = 0x02014b50, LOCAL = 0x04034b50;
    private static final long MAX_DIRECTORY = 256L << 20;
    private static final int STORED = 0, DEFLATED = 8;
    /** Deflate's best ratio is about 1032:1 (258-byte matches in 1-bit codes); a size declared beyond it is a lie. */
    static final long MAX_DEFLATE_RATIO = 1032;
    /**
     * Heap one archive may inflate into, all DEFLATED entries together. Torch stores its entries
     * uncompressed (mapped, not inflated); only a hand-re-zipped file gets here, and the bound
     * keeps a zip bomb's declared gigabytes from being allocated. 1 GiB holds L7's weights 3 times.
     */
    static final long MAX_INFLATED = 1L << 30;

    private final String where;
    private final FileChannel ch;
    private final long fileSize;
    private final Map<String, Entry> entries;
    private long inflated;

    private ZipArchive(String where, FileChannel ch, long fileSize, Map<String, Entry> entries) {
        this.where = where;
        this.ch = ch;
        this.fileSize = fileSize;
        this.entries = entries;
    }

    /** Opens and indexes {@code file}; fails with one line if it is not a readable zip. */
    static ZipArchive open(Path file) {
        String where = file.toString();
        FileChannel ch = null;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            long size = ch.size();
            Map<String, Entry> entries = readDirectory(where, ch, size);
            ZipArchive z = new ZipArchive(where, ch, size, entries);
            ch = null;
            return z;
        } catch (IOException e) {
            throw new FormworkException(where + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        } finally {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
        }
    }

    /** Entry names in directory order. */
    Map<String, Entry> entries() {
        return entries;
    }

    Entry entry(String name) {
        return entries.get(name);
    }

    private static Map<String, Entry> readDirectory(String where, FileChannel ch, long size) throws IOException {
        int tailLen = (int) Math.min(size, 22 + 65535);
        ByteBuffer tail = read(ch, size - tailLen, tailLen);
        int eocd = -1;
        for (int i = tailLen - 22; i >= 0; i--) {
            if (tail.getInt(i) == EOCD && i + 22 + (tail.getShort(i + 20) & 0xffff) == tailLen) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) throw new FormworkException(where + ": " + notZip(ch, size));
        long eocdPos = size - tailLen + eocd;
        long count = tail.getShort(eocd + 10) & 0xffff;
        long dirSize = tail.getInt(eocd + 12) & 0xffffffffL;
        long dirOffset = tail.getInt(eocd + 16) & 0xffffffffL;
        long dirEnd = eocdPos;
        if (count == 0xffff || dirSize == 0xffffffffL || dirOffset == 0xffffffffL) {
            if (eocdPos < 20 || read(ch, eocdPos - 20, 4).getInt(0) != ZIP64_LOCATOR) {
                throw new FormworkException(where + ": zip64 fields without a zip64 locator (corrupt zip)");
            }
            long z64 = read(ch, eocdPos - 20 + 8, 8).getLong(0);
            if (z64 < 0 || z64 > eocdPos - 56 || read(ch, z64, 4).getInt(0) != ZIP64_EOCD) {
                throw new FormworkException(where + ": bad zip64 end-of-central-directory record");
            }
            ByteBuffer r = read(ch, z64, 56);
            count = r.getLong(32);
            dirSize = r.getLong(40);
            dirOffset = r.getLong(48);
            dirEnd = z64;
        }
        if (dirOffset < 0 || dirSize < 0 || dirOffset > dirEnd || dirSize > dirEnd - dirOffset) {
            throw new FormworkException(where + ": zip central directory [" + dirOffset + ", +" + dirSize + ") lies outside the file (truncated?)");
        }
        if (dirSize > MAX_DIRECTORY) throw new FormworkException(where + ": zip central directory of " + dirSize + " bytes is implausibly large");
        ByteBuffer d = read(ch, dirOffset, (int) dirSize);
        Map<String, Entry> out = new LinkedHashMap<>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (p + 46 > d.limit() || d.getInt(p) != CENTRAL) throw new FormworkException(where + ": zip central directory entry " + i + " is corrupt");
            int flags = d.getShort(p + 8) & 0xffff;
            int method = d.getShort(p + 10) & 0xffff;
            long crc = d.getInt(p + 16) & 0xffffffffL;
            long csize = d.getInt(p + 20) & 0xffffffffL;
            long usize = d.getInt(p + 24) & 0xffffffffL;
            int nameLen = d.getShort(p + 28) & 0xffff, extraLen = d.getShort(p + 30) & 0xffff, commentLen = d.getShort(p + 32) & 0xffff;
            long local = d.getInt(p + 42) & 0xffffffffL;
            if (p + 46L + nameLen + extraLen + commentLen > d.limit()) throw new FormworkException(where + ": zip central directory entry " + i + " is corrupt");
            byte[] nb = new byte[nameLen];
            d.get(p + 46, nb);
            String name = new String(nb, StandardCharsets.UTF_8);
            // Zip64 extra field (id 1): 8-byte values for exactly the fields saturated above, in this order.
            int x = p + 46 + nameLen, xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = d.getShort(x) & 0xffff, len = d.getShort(x + 2) & 0xffff;
                if (id == 1) {
                    int q = x + 4, qEnd = Math.min(q + len, xEnd);
                    if (usize == 0xffffffffL && q + 8 <= qEnd) { usize = d.getLong(q); q += 8; }
                    if (csize == 0xffffffffL && q + 8 <= qEnd) { csize = d.getLong(q); q += 8; }
                    if (local == 0xffffffffL && q + 8 <= qEnd) { local = d.getLong(q); }
                }
                x += 4 + len;
            }
            p += 46 + nameLen + extraLen + commentLen;
            checkName(where, name);
            Entry e = new Entry(name, method, flags, crc, csize, usize, local);
            if (e.size() < 0 || e.compressedSize() < 0 || e.localOffset() < 0 || e.localOffset() > dirOffset - 30) {
                throw new FormworkException(where + ": zip entry \"" + Unpickler.printable(name) + "\" has sizes or offset outside the file");
            }
            if (out.put(name, e) != null) throw new FormworkException(where + ": zip entry \"" + Unpickler.printable(name) + "\" appears twice");
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * Refuses entry names that could point outside an extraction folder ({@code ..} segments, an
     * absolute {@code /} or {@code \\} start, a drive letter): torch never writes them, and a
     * file that has them was crafted, whatever this reader then does with the name.
     */
    private static void checkName(String where, String name) {
        boolean bad = name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || name.indexOf('\0') >= 0
                || (name.length() > 1 && name.charAt(1) == ':');
        for (String part : name.split("[/\\\\]")) bad |= part.equals("..");
        if (bad) throw new FormworkException(where + ": zip entry name \"" + Unpickler.printable(name) + "\" is refused (absolute or with ..)");
    }

    /** Why a file without an end-of-central-directory record is not readable. */
    private static String notZip(FileChannel ch, long size) throws IOException {
        if (size >= 2) {
            ByteBuffer head = read(ch, 0, (int) Math.min(size, 4));
            if (head.remaining() >= 4 && head.getInt(0) == LOCAL) return "zip archive without an end-of-central-directory record (truncated file?)";
        }
        return "not a PyTorch checkpoint (neither the legacy pickle format nor a zip: no end-of-central-directory record; truncated?)";
    }

    /** Where the entry's bytes start: after its local header's name and extra field (torch's 64-byte padding). */
    long dataOffset(Entry e) {
        try {
            ByteBuffer h = read(ch, e.localOffset(), 30);
            if (h.getInt(0) != LOCAL) throw new FormworkException(where + ": zip entry \"" + Unpickler.printable(e.name()) + "\": bad local header");
            long off = e.localOffset() + 30 + (h.getShort(26) & 0xffff) + (h.getShort(28) & 0xffff);
            if (e.compressedSize() > fileSize - off) {
                throw new FormworkException(where + ": zip entry \"" + Unpickler.printable(e.name()) + "\" runs past the end of the file (truncated?)");
            }
            return off;
        } catch (IOException x) {
            throw new FormworkException(where + ": cannot read (" + x.getClass().getSimpleName() + ": " + x.getMessage() + ")");
        }
    }

    /**
     * The entry's uncompressed bytes, little-endian, positioned at 0. STORED entries are a
     * read-only mapping of the file region (no copy); DEFLATED ones are inflated into the heap.
     * The CRC is checked either way (a checksum pass over the mapping reads it once, as the
     * sha256 of the weights file does anyway).
     */
    ByteBuffer read(Entry e) {
        String at = where + ": zip entry \"" + Unpickler.printable(e.name()) + "\": ";
        if ((e.flags() & 1) != 0) throw new FormworkException(at + "is encrypted");
        if (e.size() > Integer.MAX_VALUE) throw new FormworkException(at + "larger than 2 GB (" + e.size() + " bytes) is not supported");
        long off = dataOffset(e);
        ByteBuffer out;
        try {
            if (e.method() == STORED) {
                if (e.compressedSize() != e.size()) throw new FormworkException(at + "stored with compressed size " + e.compressedSize() + " != size " + e.size());
                out = ch.map(FileChannel.MapMode.READ_ONLY, off, e.size());
            } else if (e.method() == DEFLATED) {
                if (e.compressedSize() > Integer.MAX_VALUE) throw new FormworkException(at + "compressed data larger than 2 GB");
                // Both checks before a byte is allocated: the declared size is what inflate() allocates.
                if (e.size() > e.compressedSize() * MAX_DEFLATE_RATIO + 1024) {
                    throw new FormworkException(at + "declares " + e.size() + " bytes from " + e.compressedSize() + " deflated bytes, more than deflate can encode (a zip bomb?)");
                }
                if (e.size() > MAX_INFLATED - inflated) {
                    throw new FormworkException(at + "inflating it would take the archive's deflated entries past " + (MAX_INFLATED >> 20)
                            + " MiB (a zip bomb?); torch.save stores entries uncompressed: re-save the checkpoint with torch.save");
                }
                inflated += e.size();
                out = inflate(at, ch.map(FileChannel.MapMode.READ_ONLY, off, e.compressedSize()), (int) e.size());
            } else {
                throw new FormworkException(at + "unsupported compression method " + e.method() + " (only stored and deflated)");
            }
        } catch (IOException x) {
            throw new FormworkException(where + ": cannot read (" + x.getClass().getSimpleName() + ": " + x.getMessage() + ")");
        }
        CRC32 crc = new CRC32();
        crc.update(out.duplicate());
        if (crc.getValue() != e.crc()) throw new FormworkException(at + String.format("CRC mismatch (file has %08x, data %08x): corrupt file", e.crc(), crc.getValue()));
        return out.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer inflate(String at, ByteBuffer compressed, int size) {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(compressed);
            ByteBuffer out = ByteBuffer.allocate(size);
            while (out.hasRemaining() && !inf.finished()) {
                int n = inf.inflate(out);
                if (n == 0 && (inf.needsInput() || inf.needsDictionary())) break;
            }
            if (out.hasRemaining() || !inf.finished()) throw new FormworkException(at + "deflated data does not inflate to " + size + " bytes");
            return out.flip();
        } catch (DataFormatException x) {
            throw new FormworkException(at + "corrupt deflated data (" + x.getMessage() + ")");
        } finally {
            inf.end();
        }
    }

    private static ByteBuffer read(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) throw new IOException("unexpected end of file");
        }
        return b.flip();
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only channel; mappings stay valid after close
        }
    }
}
