package dev.formwork.exporters.tflite;

import dev.formwork.ir.FormworkException;
import java.nio.ByteBuffer;

/**
 * Bounds checks of one flatbuffer, as the reference verifier does them, so that generated
 * accessors only ever run on offsets that were proven to lie inside the buffer: the root offset,
 * each table's vtable (size, alignment, every field inside the table), and each vector's and
 * string's length. Offsets are unsigned and read as such, so one cannot point backwards into a
 * loop, and every object visited costs from a budget proportional to the buffer size, so a
 * vector whose thousand entries all name the same large table cannot multiply the work.
 */
final class FlatbufferCheck {
    private final ByteBuffer b;
    private final String where;
    private long budget;

    FlatbufferCheck(ByteBuffer b, String where) {
        this.b = b;
        this.where = where;
        this.budget = 16L + 4L * b.limit();
    }

    FormworkException bad(String what) {
        return new FormworkException(where + ": not a valid TFLite flatbuffer (" + what + ")");
    }

    private void spend(long n, String what) {
        budget -= n;
        if (budget < 0) throw bad(what + ": references repeat the same data beyond any real model's size");
    }

    private void inside(long pos, long len, String what) {
        if (pos < 0 || len < 0 || pos + len > b.limit()) throw bad(what + " at " + pos + " runs outside the " + b.limit() + "-byte buffer");
    }

    private long u32(long pos, String what) {
        inside(pos, 4, what);
        return Integer.toUnsignedLong(b.getInt((int) pos));
    }

    /** The root table's position, after checking the root offset (and the identifier's room). */
    int root() {
        long r = u32(0, "root offset");
        if (b.limit() < 8) throw bad("shorter than a header");
        table(r, "root table");
        return (int) r;
    }

    /** Checks the table at {@code pos}: its vtable and that every field the vtable names lies inside the table. */
    void table(long pos, String what) {
        spend(1, what);
        inside(pos, 4, what);
        long vt = pos - b.getInt((int) pos);
        inside(vt, 4, what + " vtable");
        int vtSize = Short.toUnsignedInt(b.getShort((int) vt));
        int tableSize = Short.toUnsignedInt(b.getShort((int) vt + 2));
        // Generated accessors read these as signed shorts: sizes and offsets from 0x8000 up go negative.
        if (vtSize < 4 || (vtSize & 1) != 0 || vtSize >= 0x8000) throw bad(what + " vtable size " + vtSize);
        inside(vt, vtSize, what + " vtable");
        if (tableSize < 4) throw bad(what + " size " + tableSize);
        inside(pos, tableSize, what);
        for (int f = 4; f < vtSize; f += 2) {
            int off = Short.toUnsignedInt(b.getShort((int) vt + f));
            if (off != 0 && (off >= tableSize || off >= 0x8000)) throw bad(what + " field " + (f - 4) / 2 + " lies outside its table");
        }
    }

    /** Position of field {@code slot} of the table at {@code pos}, or -1 when absent. {@code width} bytes must fit. */
    private long field(long pos, int slot, int width, String what) {
        long vt = pos - b.getInt((int) pos);
        int vtSize = Short.toUnsignedInt(b.getShort((int) vt));
        int f = 4 + 2 * slot;
        if (f >= vtSize) return -1;
        int off = Short.toUnsignedInt(b.getShort((int) vt + f));
        if (off == 0) return -1;
        int tableSize = Short.toUnsignedInt(b.getShort((int) vt + 2));
        if (off + width > tableSize) throw bad(what + " field " + slot + " does not fit its table");
        return pos + off;
    }

    /** Checks a scalar field fits its table (accessors read it unguarded otherwise). */
    void scalar(long table, int slot, int width, String what) {
        field(table, slot, width, what);
    }

    /** Follows an offset field to its target, checked to lie inside the buffer; -1 when absent. */
    private long ref(long table, int slot, String what) {
        long p = field(table, slot, 4, what);
        if (p < 0) return -1;
        long target = p + u32(p, what);
        inside(target, 4, what);
        return target;
    }

    /** A sub-table field: its position after checking it, or -1 when absent. */
    long subTable(long table, int slot, String what) {
        long t = ref(table, slot, what);
        if (t >= 0) table(t, what);
        return t;
    }

    /** A vector field of {@code elemWidth}-byte elements: its length after checking it fits, or 0 when absent. */
    int vector(long table, int slot, int elemWidth, String what) {
        long v = ref(table, slot, what);
        if (v < 0) return 0;
        long n = u32(v, what + " length");
        inside(v + 4, n * elemWidth, what);
        if (n > Integer.MAX_VALUE) throw bad(what + " length " + n);
        spend(n / 16, what);
        return (int) n;
    }

    /** A string field: checked to fit, with its terminating NUL. */
    void string(long table, int slot, String what) {
        long v = ref(table, slot, what);
        if (v < 0) return;
        long n = u32(v, what + " length");
        inside(v + 4, n + 1, what);
        utf8(v + 4, n, what);
    }

    /** Generated accessors decode strings with a decoder that throws on malformed UTF-8. */
    private void utf8(long pos, long len, String what) {
        ByteBuffer s = b.duplicate().position((int) pos).limit((int) (pos + len));
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(s);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw bad(what + " is not valid UTF-8");
        }
    }

    /** Element {@code i} of a vector of int32s. */
    int intAt(long table, int slot, int i) {
        long v = ref(table, slot, "vector");
        return b.getInt((int) (v + 4 + 4L * i));
    }

    /** The table that element {@code i} of a vector of tables points at, checked. */
    long tableAt(long table, int slot, int i, String what) {
        long v = ref(table, slot, what);
        long p = v + 4 + 4L * i;
        long t = p + u32(p, what);
        table(t, what);
        return t;
    }

    /** Value of a uint32 scalar field (default 0). */
    long uintField(long table, int slot, String what) {
        long p = field(table, slot, 4, what);
        return p < 0 ? 0 : u32(p, what);
    }

    /** Checks every string of a vector of strings. */
    void strings(long table, int slot, String what) {
        int n = vector(table, slot, 4, what);
        if (n == 0) return;
        long v = ref(table, slot, what);
        for (int i = 0; i < n; i++) {
            long p = v + 4 + 4L * i;
            long s = p + u32(p, what);
            long len = u32(s, what + " length");
            inside(s + 4, len + 1, what);
            utf8(s + 4, len, what);
            spend(1 + len / 16, what);
        }
    }
}
