package dev.formwork.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Mutations that know the protobuf wire format, for readers of ONNX files: the input is decoded
 * into a tree of fields (a length-delimited field whose bytes decode as a message becomes a
 * node), one field is changed, and the tree is encoded again with every enclosing length fixed,
 * so the damage lands deep inside an otherwise well-formed file instead of breaking its first
 * bytes. Changes: a field number or wire type replaced, a nested length that lies, a varint set
 * to an extreme, a field duplicated, deleted or moved, and ONNX-shaped insertions (huge repeated
 * dims, external-data entries with hostile locations, deeply nested subgraph attributes).
 * Deterministic in the random source it is given.
 */
public final class ProtobufMutations {
    private static final long[] EXTREMES = {0, 1, -1, 0x7f, 0x80, 0x7fffffffL, 0xffffffffL, 1L << 31, 1L << 32, 1L << 40,
        1L << 62, Long.MAX_VALUE, Long.MIN_VALUE};
    private static final String[] LOCATIONS = {"/etc/passwd", "../model.onnx", "../../x", "weights.bin", "", ".", "model.onnx",
        "a/../../b", "C:\\x", "\u0000"};
    private static final int MAX_DEPTH = 40;

    /** One decoded field; {@code children} is non-null when its bytes decoded as a message. */
    private static final class Field {
        int number, wire;
        /** The wire type the payload was decoded as (and is encoded as): 0 varint, 1/5 fixed, 2 length-delimited. */
        final int kind;
        long varint;
        byte[] bytes;
        List<Field> children;
        Long lengthLie;

        Field(int number, int wire) {
            this.number = number;
            this.wire = wire;
            this.kind = wire;
        }

        Field copy() {
            Field f = new Field(number, wire);
            f.varint = varint;
            f.bytes = bytes;
            f.lengthLie = lengthLie;
            if (children != null) {
                f.children = new ArrayList<>();
                for (Field c : children) f.children.add(c.copy());
            }
            return f;
        }
    }

    private ProtobufMutations() {}

    /** {@code input} with one structural change, or unchanged when it does not decode as a message. */
    public static byte[] mutate(byte[] input, SplittableRandom random) {
        List<Field> root = decode(input, 0, input.length, 0);
        if (root == null || root.isEmpty()) return input;
        List<List<Field>> messages = new ArrayList<>();
        List<Field> fields = new ArrayList<>();
        collect(root, messages, fields);
        Field f = fields.get(random.nextInt(fields.size()));
        List<Field> parent = messages.get(random.nextInt(messages.size()));
        switch (random.nextInt(9)) {
            case 0 -> f.number = random.nextBoolean() ? 1 + random.nextInt(20) : (1 << 29) - 1;
            case 1 -> f.wire = random.nextInt(6);
            case 2 -> {
                if (f.kind == 2) f.lengthLie = lie(f, random);
                else f.varint = EXTREMES[random.nextInt(EXTREMES.length)];
            }
            case 3 -> f.varint = EXTREMES[random.nextInt(EXTREMES.length)];
            case 4 -> {
                if (!parent.isEmpty()) parent.add(random.nextInt(parent.size() + 1), parent.get(random.nextInt(parent.size())).copy());
            }
            case 5 -> {
                if (parent.size() > 1) parent.remove(random.nextInt(parent.size()));
            }
            case 6 -> {
                if (parent.size() > 1) parent.add(random.nextInt(parent.size()), parent.remove(random.nextInt(parent.size())));
            }
            case 7 -> parent.addAll(externalData(random));
            default -> parent.add(random.nextBoolean() ? varint(1, EXTREMES[random.nextInt(EXTREMES.length)]) : nestedGraphs(random));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(input.length + 64);
        encode(root, out);
        return out.toByteArray();
    }

    private static long lie(Field f, SplittableRandom random) {
        int len = f.children != null ? encodedSize(f.children) : f.bytes.length;
        long[] lies = {len + 1, len - 1, 0, 0x7fffffffL, 0xffffffffL, -1, len * 2L + 7};
        return lies[random.nextInt(lies.length)];
    }

    /** TensorProto external_data (13) entries and data_location (14) = EXTERNAL. */
    private static List<Field> externalData(SplittableRandom random) {
        List<Field> r = new ArrayList<>();
        r.add(entry("location", LOCATIONS[random.nextInt(LOCATIONS.length)]));
        if (random.nextBoolean()) r.add(entry("offset", Long.toString(EXTREMES[random.nextInt(EXTREMES.length)])));
        if (random.nextBoolean()) r.add(entry("length", random.nextBoolean() ? "12" : "x"));
        r.add(varint(14, 1));
        return r;
    }

    private static Field entry(String key, String value) {
        Field e = new Field(13, 2);
        e.children = new ArrayList<>(List.of(string(1, key), string(2, value)));
        return e;
    }

    /** An AttributeProto-shaped field (5) whose graph (6) holds a node (1) with such an attribute, many levels deep. */
    private static Field nestedGraphs(SplittableRandom random) {
        int depth = 50 + random.nextInt(2000);
        Field inner = string(1, "then_branch");
        Field top = null, at = null;
        for (int i = 0; i < depth; i++) {
            Field attr = new Field(5, 2);
            attr.children = new ArrayList<>(List.of(string(1, "body"), varint(20, 5)));
            Field graph = new Field(6, 2);
            graph.children = new ArrayList<>();
            Field node = new Field(1, 2);
            node.children = new ArrayList<>(List.of(string(4, "If")));
            graph.children.add(node);
            attr.children.add(graph);
            if (top == null) top = attr;
            else at.children.add(attr);
            at = node;
        }
        at.children.add(inner);
        return top;
    }

    private static Field string(int number, String s) {
        Field f = new Field(number, 2);
        f.bytes = s.getBytes(StandardCharsets.UTF_8);
        return f;
    }

    private static Field varint(int number, long v) {
        Field f = new Field(number, 0);
        f.varint = v;
        return f;
    }

    private static void collect(List<Field> message, List<List<Field>> messages, List<Field> fields) {
        messages.add(message);
        for (Field f : message) {
            fields.add(f);
            if (f.children != null) collect(f.children, messages, fields);
        }
    }

    // ---- wire format

    /** The fields of {@code b[from, to)}, or null when those bytes are not exactly a message. */
    private static List<Field> decode(byte[] b, int from, int to, int depth) {
        List<Field> r = new ArrayList<>();
        int[] pos = {from};
        while (pos[0] < to) {
            long tag = readVarint(b, pos, to);
            if (tag < 8 || tag > 0xffffffffL) return null;
            Field f = new Field((int) (tag >>> 3), (int) (tag & 7));
            switch (f.wire) {
                case 0 -> {
                    f.varint = readVarint(b, pos, to);
                    if (pos[0] < 0) return null;
                }
                case 1, 5 -> {
                    int n = f.wire == 1 ? 8 : 4;
                    if (pos[0] < 0 || pos[0] + n > to) return null;
                    f.bytes = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + n);
                    pos[0] += n;
                }
                case 2 -> {
                    long len = readVarint(b, pos, to);
                    if (pos[0] < 0 || len < 0 || len > to - pos[0]) return null;
                    int end = pos[0] + (int) len;
                    f.bytes = java.util.Arrays.copyOfRange(b, pos[0], end);
                    if (depth < MAX_DEPTH && len > 0) f.children = decode(b, pos[0], end, depth + 1);
                    pos[0] = end;
                }
                default -> {
                    return null;
                }
            }
            if (pos[0] < 0) return null;
            r.add(f);
        }
        return r;
    }

    /** Reads a varint at pos[0]; sets pos[0] to -1 when it runs past {@code to} or is too long. */
    private static long readVarint(byte[] b, int[] pos, int to) {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos[0] < 0 || pos[0] >= to) {
                pos[0] = -1;
                return -1;
            }
            int x = b[pos[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) return v;
        }
        pos[0] = -1;
        return -1;
    }

    private static int encodedSize(List<Field> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(fields, out);
        return out.size();
    }

    /** Encodes each payload as it was decoded (its kind); the tag carries the possibly replaced wire type. */
    private static void encode(List<Field> fields, ByteArrayOutputStream out) {
        for (Field f : fields) {
            writeVarint(out, ((long) f.number << 3) | f.wire);
            switch (f.kind) {
                case 0 -> writeVarint(out, f.varint);
                case 2 -> {
                    ByteArrayOutputStream inner = new ByteArrayOutputStream();
                    if (f.children != null) encode(f.children, inner);
                    else inner.writeBytes(f.bytes);
                    writeVarint(out, f.lengthLie != null ? f.lengthLie : inner.size());
                    out.writeBytes(inner.toByteArray());
                }
                default -> out.writeBytes(f.bytes);
            }
        }
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
    }
}
