package dev.formwork.frontends.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Half;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .safetensors} file: an 8-byte little-endian header length, a JSON header mapping each
 * key to {dtype, shape, data_offsets}, then the raw little-endian data.
 *
 * <p>The data is memory-mapped, never read into the heap: {@link #tensor} returns a
 * {@link Tensor} view over the mapped bytes (L7's 330 MB stay in the page cache). The header is
 * validated completely when the file is opened (offsets in range, not overlapping, covering the
 * data region exactly; sizes matching dtype x shape), so a truncated or hand-edited file fails
 * at once with one line naming the file and the key, not later inside a kernel.
 */
public final class SafetensorsFile {
    /** One header entry. {@code dtype} is the safetensors spelling (F32, F16, BF16, I64, I32). */
    public record Entry(String key, String dtype, Shape shape, long begin, long end) {}

    /** A header is an object of objects holding arrays: 3 levels. Deeper input is refused by the parser, not by recursion. */
    static final int MAX_NESTING = 16;
    private static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
            .build()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final long MAX_HEADER = 100L << 20;

    private final Path path;
    private final String where;
    private final LinkedHashMap<String, Entry> entries;
    private final Map<String, String> metadata;
    private final long dataStart;
    private final ByteBuffer data; // whole data region when it fits one mapping, else null
    private final Map<String, ByteBuffer> perTensor; // per-tensor mappings for > 2 GB files

    private SafetensorsFile(Path path, LinkedHashMap<String, Entry> entries, Map<String, String> metadata, long dataStart,
            ByteBuffer data, Map<String, ByteBuffer> perTensor) {
        this.path = path;
        this.where = path.toString();
        this.entries = entries;
        this.metadata = metadata;
        this.dataStart = dataStart;
        this.data = data;
        this.perTensor = perTensor;
    }

    /** Opens, validates and maps a file. */
    public static SafetensorsFile open(Path path) {
        String where = path.toString();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new FormworkException(where + ": truncated safetensors file (" + size + " bytes, no header length)");
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (headerLen >= 0 && headerLen < 2) throw new FormworkException(where + ": header length " + headerLen + " is too small for a JSON header");
            if (headerLen < 0 || headerLen > size - 8) {
                throw new FormworkException(where + ": header length " + Long.toUnsignedString(headerLen) + " is beyond the file ("
                        + size + " bytes)");
            }
            if (headerLen > MAX_HEADER) throw new FormworkException(where + ": header length " + headerLen + " exceeds 100 MB");
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            readFully(ch, hb, 8);
            String json = new String(hb.array(), StandardCharsets.UTF_8);
            long dataStart = 8 + headerLen;
            long dataSize = size - dataStart;
            LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
            Map<String, String> meta = parseHeader(json, where, entries);
            validateLayout(entries, dataSize, where);
            // One mapping per tensor, not one for the file: a slice keeps its whole mapping alive,
            // so with a single mapping every weight a pass has replaced would stay resident until
            // the last one is dropped. Per-tensor mappings are unmapped as their tensors die.
            ByteBuffer data = null;
            Map<String, ByteBuffer> per = new LinkedHashMap<>();
            for (Entry e : entries.values()) {
                long n = e.end() - e.begin();
                if (n > Integer.MAX_VALUE) throw new FormworkException(where + ": key \"" + FormworkException.shown(e.key()) + "\": tensor larger than 2 GB");
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), n);
                per.put(e.key(), m.order(ByteOrder.LITTLE_ENDIAN));
            }
            return new SafetensorsFile(path, entries, meta, dataStart, data, per);
        } catch (IOException e) {
            throw new FormworkException(where + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) throw new IOException("unexpected end of file");
        }
    }

    private static Map<String, String> parseHeader(String json, String where, LinkedHashMap<String, Entry> out) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new FormworkException(where + ": safetensors header is not valid JSON: " + e.getOriginalMessage().replace('\n', ' '));
        }
        if (root == null || !root.isObject()) throw new FormworkException(where + ": safetensors header is not a JSON object");
        Map<String, String> meta = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String key = f.getKey();
            JsonNode v = f.getValue();
            if (key.equals("__metadata__")) {
                // Free-form strings (format, naming, ...); informational only.
                if (v.isObject()) v.fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            out.put(key, parseEntry(key, v, where));
        }
        return Collections.unmodifiableMap(meta);
    }

    private static Entry parseEntry(String key, JsonNode v, String where) {
        String at = where + ": key \"" + FormworkException.shown(key) + "\": ";
        if (!v.isObject()) throw new FormworkException(at + "header entry is not an object");
        JsonNode dt = v.get("dtype"), sh = v.get("shape"), off = v.get("data_offsets");
        if (dt == null || !dt.isTextual()) throw new FormworkException(at + "missing dtype");
        String dtype = dt.asText();
        int elem = elementSize(dtype);
        if (elem < 0) throw new FormworkException(at + "unsupported dtype \"" + FormworkException.shown(dtype) + "\" (supported: F32, F16, BF16, I64, I32)");
        if (sh == null || !sh.isArray()) throw new FormworkException(at + "missing shape");
        int[] dims = new int[sh.size()];
        for (int i = 0; i < dims.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.isIntegralNumber() || !d.canConvertToInt() || d.intValue() < 0) throw new FormworkException(at + "bad shape " + FormworkException.shown(sh.toString()));
            dims[i] = d.intValue();
        }
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).canConvertToLong() || !off.get(1).canConvertToLong()
                || !off.get(0).isIntegralNumber() || !off.get(1).isIntegralNumber()) {
            throw new FormworkException(at + "bad data_offsets " + FormworkException.shown(String.valueOf(off)));
        }
        long b = off.get(0).longValue(), e = off.get(1).longValue();
        if (b < 0 || e < b) throw new FormworkException(at + "bad data_offsets [" + b + "," + e + "]");
        Shape shape = Shape.of(dims);
        long need;
        try {
            long n = 1;
            for (int d : dims) n = Math.multiplyExact(n, d);
            need = Math.multiplyExact(n, elem);
        } catch (ArithmeticException x) {
            throw new FormworkException(at + "shape " + shape + " holds more bytes than fit in 64 bits");
        }
        if (e - b != need) {
            throw new FormworkException(at + "data_offsets [" + b + "," + e + "] hold " + (e - b) + " bytes, " + dtype + shape
                    + " needs " + need);
        }
        return new Entry(key, dtype, shape, b, e);
    }

    /** Bytes per element of a supported dtype, or -1. */
    static int elementSize(String dtype) {
        return switch (dtype) {
            case "F32", "I32" -> 4;
            case "F16", "BF16" -> 2;
            case "I64" -> 8;
            default -> -1;
        };
    }

    /** Offsets must tile [0, dataSize) exactly: no overlap, no gap, nothing past the end. */
    private static void validateLayout(Map<String, Entry> entries, long dataSize, String where) {
        List<Entry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long pos = 0;
        Entry prev = null;
        for (Entry e : sorted) {
            if (e.end() > dataSize) {
                throw new FormworkException(where + ": key \"" + FormworkException.shown(e.key()) + "\": data_offsets [" + e.begin() + "," + e.end()
                        + "] run past the data region (" + dataSize + " bytes; file truncated?)");
            }
            if (e.begin() < pos) {
                throw new FormworkException(where + ": key \"" + FormworkException.shown(e.key()) + "\": data_offsets [" + e.begin() + "," + e.end()
                        + "] overlap key \"" + FormworkException.shown(prev.key()) + "\" [" + prev.begin() + "," + prev.end() + "]");
            }
            if (e.begin() > pos) {
                throw new FormworkException(where + ": key \"" + FormworkException.shown(e.key()) + "\": data_offsets start at " + e.begin()
                        + ", leaving bytes [" + pos + "," + e.begin() + ") unused");
            }
            pos = e.end();
            if (e.end() > e.begin() || prev == null) prev = e;
        }
        if (pos != dataSize) {
            throw new FormworkException(where + ": tensors cover " + pos + " bytes but the data region has " + dataSize
                    + " (trailing bytes after the last tensor)");
        }
    }

    public Path path() {
        return path;
    }

    /** Keys in header order ({@code __metadata__} excluded). */
    public List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    public Entry entry(String key) {
        Entry e = entries.get(key);
        if (e == null) throw new FormworkException(where + ": no key \"" + key + "\"");
        return e;
    }

    /** The header's {@code __metadata__} strings. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Offset of the data region in the file (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    private ByteBuffer bytes(Entry e) {
        if (data != null) {
            return data.duplicate().position((int) e.begin()).limit((int) e.end()).slice().order(ByteOrder.LITTLE_ENDIAN);
        }
        return perTensor.get(e.key()).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The tensor as stored: F32, F16, I64 and I32 are views of the mapped file (no copy); BF16,
     * which the IR has no type for, is widened to a new F32 tensor.
     */
    public Tensor tensor(String key) {
        Entry e = entry(key);
        ByteBuffer b = bytes(e);
        return switch (e.dtype()) {
            case "F32" -> Tensor.wrap(DType.FLOAT32, e.shape(), b);
            case "F16" -> Tensor.wrap(DType.FLOAT16, e.shape(), b);
            case "I64" -> Tensor.wrap(DType.INT64, e.shape(), b);
            case "I32" -> Tensor.wrap(DType.INT32, e.shape(), b);
            case "BF16" -> widenBf16(e.shape(), b);
            default -> throw new IllegalStateException(e.dtype());
        };
    }

    /** The tensor as float32: a view for F32, a widened copy for F16/BF16; integers are an error. */
    public Tensor floatTensor(String key) {
        Entry e = entry(key);
        return switch (e.dtype()) {
            case "F32", "BF16" -> tensor(key);
            case "F16" -> widenF16(e.shape(), bytes(e));
            default -> throw new FormworkException(where + ": key \"" + key + "\": dtype " + e.dtype() + ", expected a float tensor");
        };
    }

    private static Tensor widenBf16(Shape shape, ByteBuffer b) {
        int n = Math.toIntExact(shape.numel());
        ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = out.asFloatBuffer();
        for (int i = 0; i < n; i++) f.put(i, Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16));
        return Tensor.wrap(DType.FLOAT32, shape, out);
    }

    private static Tensor widenF16(Shape shape, ByteBuffer b) {
        int n = Math.toIntExact(shape.numel());
        ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = out.asFloatBuffer();
        for (int i = 0; i < n; i++) f.put(i, Half.toFloat(b.getShort(i * 2)));
        return Tensor.wrap(DType.FLOAT32, shape, out);
    }

    /** Lower-case hex SHA-256 of a file, streamed in 1 MB blocks (for provenance metadata). */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new FormworkException(file + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SafetensorsFile[" + where + ", " + entries.size() + " tensors]";
    }
}
