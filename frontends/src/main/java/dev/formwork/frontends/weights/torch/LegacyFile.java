package dev.formwork.frontends.weights.torch;

import dev.formwork.frontends.weights.torch.Pickled.Dict;
import dev.formwork.frontends.weights.torch.Pickled.StorageRef;
import dev.formwork.ir.FormworkException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The legacy {@code torch.save} format (torch before 1.6, and {@code _use_new_zipfile_serialization=False}
 * since): five pickles back to back, then the raw storages.
 *
 * <pre>
 *   pickle  MAGIC_NUMBER (0x1950a86a20f9469cfc6c)
 *   pickle  PROTOCOL_VERSION (1001)
 *   pickle  sys_info {protocol_version, little_endian, type_sizes}
 *   pickle  the object, storages as persistent ids ('storage', type, root_key, location, numel, view)
 *   pickle  the storage keys, sorted, in the order the storages follow
 *   per key int64 element count (little-endian), then count x element size raw bytes
 * </pre>
 *
 * All five pickles go through the same restricted {@link Unpickler}. The file is mapped once and
 * each storage is a slice of that mapping, so nothing is copied; the element size comes from
 * the storage type the pickle named, and the count in front of each storage must equal the
 * pickle's.
 */
final class LegacyFile {
    static final BigInteger MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);
    static final long PROTOCOL_VERSION = 1001;

    final Object top;
    final StorageReader.Records records;

    private LegacyFile(Object top, StorageReader.Records records) {
        this.top = top;
        this.records = records;
    }

    /** True when {@code head} (the first bytes of a file) starts a pickle, as a legacy file does. */
    static boolean looksLegacy(ByteBuffer head) {
        return head.remaining() >= 2 && (head.get(0) & 0xff) == 0x80 && head.get(1) >= 2 && head.get(1) <= 5;
    }

    static LegacyFile read(String where, FileChannel ch) throws java.io.IOException {
        long size = ch.size();
        if (size > Integer.MAX_VALUE) throw new FormworkException(where + ": legacy-format checkpoint larger than 2 GB is not supported; re-save it with a current torch");
        ByteBuffer file = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
        Unpickler u = Unpickler.legacy(where, file, 0);
        Object magic = u.load();
        if (!(magic instanceof BigInteger m && m.equals(MAGIC))) {
            throw new FormworkException(where + ": starts with a pickle of " + Pickled.typeName(magic) + ", not torch's magic number; not a torch.save file");
        }
        u = Unpickler.legacy(where, file, u.end());
        Object protocol = u.load();
        if (!Long.valueOf(PROTOCOL_VERSION).equals(protocol)) {
            throw new FormworkException(where + ": legacy torch.save protocol " + Unpickler.printable(String.valueOf(protocol)) + " (only " + PROTOCOL_VERSION + " exists)");
        }
        u = Unpickler.legacy(where, file, u.end());
        Object sysInfo = u.load();
        if (!(sysInfo instanceof Dict info)) throw new FormworkException(where + ": legacy sys_info is a " + Pickled.typeName(sysInfo) + ", expected a dict");
        if (!Boolean.TRUE.equals(info.map().get("little_endian"))) {
            throw new FormworkException(where + ": written on a big-endian machine (sys_info little_endian is not True); only little-endian checkpoints are supported");
        }
        Unpickler main = Unpickler.legacy(where, file, u.end());
        Object top = main.load();
        u = Unpickler.legacy(where, file, main.end());
        Object keyList = u.load();
        if (!(keyList instanceof List<?> keys)) throw new FormworkException(where + ": legacy storage key list is a " + Pickled.typeName(keyList) + ", expected a list");
        Map<String, StorageRef> named = main.storages();
        Map<String, ByteBuffer> bytes = new HashMap<>();
        long p = u.end();
        for (Object k : keys) {
            if (!(k instanceof String key)) throw new FormworkException(where + ": legacy storage key " + Pickled.typeName(k) + " is not a str");
            String at = where + ": storage " + Unpickler.printable(key) + " (byte " + p + "): ";
            StorageRef s = named.get(key);
            if (s == null) throw new FormworkException(at + "is in the storage list but no tensor in the pickle uses it");
            if (p + 8 > size) throw new FormworkException(at + "the file ends before its element count (truncated?)");
            long count = file.getLong((int) p);
            if (count != s.numel()) throw new FormworkException(at + "the file says " + count + " elements, the pickle " + s.numel());
            long n = StorageReader.mul(at, count, s.type().elementSize());
            if (n > size - p - 8) throw new FormworkException(at + count + " x " + s.type().dtypeName() + " runs past the end of the file (truncated?)");
            if (bytes.put(key, file.slice((int) p + 8, (int) n).order(ByteOrder.LITTLE_ENDIAN)) != null) {
                throw new FormworkException(at + "appears twice in the storage list");
            }
            p += 8 + n;
        }
        if (p != size) throw new FormworkException(where + ": " + (size - p) + " bytes after the last storage; not a legacy torch.save file (or corrupt)");
        StorageReader.Records records = (at, s) -> {
            ByteBuffer b = bytes.get(s.key());
            if (b == null) throw new FormworkException(at + "storage " + Unpickler.printable(s.key()) + " is not in the file's storage list");
            return b;
        };
        return new LegacyFile(top, records);
    }
}
