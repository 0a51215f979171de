package dev.formwork.frontends.weights.torch;

import dev.formwork.ir.FormworkException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The bytes of one pickle, read forward, every length checked against the bytes left before
 * anything is allocated: so a hostile file can make the {@link Unpickler} allocate at most about
 * its own size. Failures are made by the unpickler, which knows the opcode's offset.
 */
final class PickleInput {
    private static final int MAX_GLOBAL_NAME = 256;
    private static final int MAX_LONG_BYTES = 1024;

    private final ByteBuffer in;
    private final Function<String, FormworkException> fail;

    PickleInput(ByteBuffer data, int start, Function<String, FormworkException> fail) {
        this.in = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.in.position(start);
        this.fail = fail;
    }

    int position() {
        return in.position();
    }

    int remaining() {
        return in.remaining();
    }

    boolean hasRemaining() {
        return in.hasRemaining();
    }

    /** The next byte (an opcode), unsigned. */
    int get() {
        return in.get() & 0xff;
    }

    private FormworkException fail(String msg) {
        return fail.apply(msg);
    }

    ByteBuffer need(int n) {
        if (n < 0 || n > in.remaining()) throw fail("needs " + n + " bytes, " + in.remaining() + " left (truncated data.pkl?)");
        ByteBuffer b = in.slice().limit(n).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + n);
        return b;
    }

    void skip(int n) {
        need(n);
    }

    int u8() {
        return need(1).get() & 0xff;
    }

    int len32() {
        long n = len32u();
        if (n > in.remaining()) throw fail("length " + n + " runs past the end (" + in.remaining() + " bytes left)");
        return (int) n;
    }

    long len32u() {
        return need(4).getInt() & 0xffffffffL;
    }

    int len64() {
        long n = need(8).getLong();
        if (n < 0 || n > in.remaining()) throw fail("length " + Long.toUnsignedString(n) + " runs past the end (" + in.remaining() + " bytes left)");
        return (int) n;
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        need(n).get(b);
        return b;
    }

    String utf8(int n) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(need(n)).toString();
        } catch (CharacterCodingException e) {
            throw fail("string is not valid UTF-8");
        }
    }

    String latin1(int n) {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    /** LONG1/LONG4: little-endian two's complement of {@code n} bytes. */
    Object longN(int n) {
        if (n > MAX_LONG_BYTES) throw fail("integer of " + n + " bytes");
        byte[] le = bytes(n);
        if (n == 0) return 0L;
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) be[i] = le[n - 1 - i];
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** A newline-terminated GLOBAL operand. */
    String line() {
        int start = in.position();
        for (int i = start; i < in.limit() && i - start <= MAX_GLOBAL_NAME; i++) {
            if (in.get(i) == '\n') {
                String s = new String(bytes(i - start), StandardCharsets.UTF_8);
                in.get();
                return s;
            }
        }
        throw fail("GLOBAL name is not newline-terminated within " + MAX_GLOBAL_NAME + " bytes");
    }
}
