package dev.formwork.exporters.tflite;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Associated files packed the way the TFLite metadata populator packs them: a zip archive
 * appended to the end of the .tflite file, so the file is both a valid flatbuffer (whose root
 * offset ignores trailing bytes) and a valid zip (whose directory is found from the end). Entries
 * are stored uncompressed; offsets are relative to the start of the file, as for any
 * self-extracting archive, which java.util.zip, unzip and the Support library's ZipFile read.
 * Deterministic: fixed DOS timestamp (1980-01-01 00:00), no extra fields, entries in the given order.
 */
final class AssociatedFiles {
    /** One file: name and contents. */
    record Entry(String name, byte[] data) {}

    private static final int DOS_TIME = 0;
    private static final int DOS_DATE = (0 << 9) | (1 << 5) | 1;

    private AssociatedFiles() {}

    static byte[] labels(List<String> labels) {
        StringBuilder b = new StringBuilder();
        for (String l : labels) b.append(l).append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The zip bytes for an archive that will start at file offset {@code base}. */
    static byte[] zip(long base, List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] offsets = new long[entries.size()];
        long[] crcs = new long[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            CRC32 crc = new CRC32();
            crc.update(e.data());
            crcs[i] = crc.getValue();
            offsets[i] = base + out.size();
            ByteBuffer h = le(30 + name.length);
            h.putInt(0x04034b50).putShort((short) 10).putShort((short) 0x0800).putShort((short) 0)
                    .putShort((short) DOS_TIME).putShort((short) DOS_DATE).putInt((int) crcs[i])
                    .putInt(e.data().length).putInt(e.data().length).putShort((short) name.length).putShort((short) 0).put(name);
            out.writeBytes(h.array());
            out.writeBytes(e.data());
        }
        long cdStart = base + out.size();
        int cdSize = 0;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            ByteBuffer c = le(46 + name.length);
            c.putInt(0x02014b50).putShort((short) 10).putShort((short) 10).putShort((short) 0x0800).putShort((short) 0)
                    .putShort((short) DOS_TIME).putShort((short) DOS_DATE).putInt((int) crcs[i])
                    .putInt(e.data().length).putInt(e.data().length).putShort((short) name.length)
                    .putShort((short) 0).putShort((short) 0).putShort((short) 0).putShort((short) 0).putInt(0)
                    .putInt(Math.toIntExact(offsets[i])).put(name);
            out.writeBytes(c.array());
            cdSize += c.capacity();
        }
        ByteBuffer end = le(22);
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) entries.size())
                .putShort((short) entries.size()).putInt(cdSize).putInt(Math.toIntExact(cdStart)).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
