package dev.formwork.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of valid files: bit flips, truncation, length and offset fields set to extreme
 * values (little-endian 32/64-bit words and protobuf varints), splices from other seeds, deletions,
 * duplications and the target's tokens. The same seed gives the same input sequence, so every
 * input of a run can be reproduced from (seed, index).
 */
public final class Mutator {
    private static final long[] EXTREMES = {0, 1, -1, 2, 7, 8, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffffL, 0x80000000L,
        0xffffffffL, 0x100000000L, Long.MAX_VALUE, Long.MIN_VALUE, 1L << 40, 1L << 53};
    private static final byte[][] TEXT = {"1e400".getBytes(StandardCharsets.US_ASCII), "99999999999999999999".getBytes(StandardCharsets.US_ASCII),
        "-1".getBytes(StandardCharsets.US_ASCII), "0".getBytes(StandardCharsets.US_ASCII), "1.5".getBytes(StandardCharsets.US_ASCII),
        "NaN".getBytes(StandardCharsets.US_ASCII), "\"".getBytes(StandardCharsets.US_ASCII), "null".getBytes(StandardCharsets.US_ASCII)};

    private final List<byte[]> seeds;
    private final List<byte[]> tokens;
    private final SplittableRandom random;

    public Mutator(List<byte[]> seeds, List<byte[]> tokens, long seed) {
        if (seeds.isEmpty()) throw new IllegalArgumentException("no seeds");
        this.seeds = seeds;
        this.tokens = tokens;
        this.random = new SplittableRandom(seed);
    }

    /** The next input: a seed with one to four stacked mutations. */
    public byte[] next() {
        byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) b = mutate(b);
        return b;
    }

    private byte[] mutate(byte[] b) {
        if (b.length == 0) return splice(b);
        return switch (random.nextInt(10)) {
            case 0 -> flipBits(b);
            case 1 -> setByte(b);
            case 2 -> Arrays.copyOf(b, random.nextInt(b.length));
            case 3 -> setWord(b, 4);
            case 4 -> setWord(b, 8);
            case 5 -> setVarint(b);
            case 6 -> splice(b);
            case 7 -> delete(b);
            case 8 -> duplicate(b);
            default -> insert(b, token());
        };
    }

    private byte[] flipBits(byte[] b) {
        int k = 1 + random.nextInt(8);
        for (int i = 0; i < k; i++) b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        return b;
    }

    private byte[] setByte(byte[] b) {
        byte[] v = {0, (byte) 0xff, 0x7f, (byte) 0x80, 1};
        b[random.nextInt(b.length)] = v[random.nextInt(v.length)];
        return b;
    }

    /** A length or offset field: an aligned word near the start (headers) or anywhere. */
    private byte[] setWord(byte[] b, int width) {
        if (b.length < width) return b;
        int span = random.nextBoolean() ? Math.min(b.length, 64) : b.length;
        int pos = Math.min(random.nextInt(span) & ~(width - 1), b.length - width);
        long v = random.nextInt(4) == 0 ? b.length + random.nextInt(-2, 3) : EXTREMES[random.nextInt(EXTREMES.length)];
        for (int i = 0; i < width; i++) b[pos + i] = (byte) (v >>> (8 * i));
        return b;
    }

    /** Overwrites the varint starting at a random position with an extreme one (protobuf lengths). */
    private byte[] setVarint(byte[] b) {
        int pos = random.nextInt(b.length);
        int end = pos;
        while (end < b.length && (b[end] & 0x80) != 0) end++;
        end = Math.min(end + 1, b.length);
        long v = EXTREMES[random.nextInt(EXTREMES.length)];
        byte[] enc = new byte[10];
        int n = 0;
        do {
            byte x = (byte) (v & 0x7f);
            v >>>= 7;
            enc[n++] = (byte) (v != 0 ? x | 0x80 : x);
        } while (v != 0);
        return replace(b, pos, end, Arrays.copyOf(enc, n));
    }

    private byte[] splice(byte[] b) {
        byte[] other = seeds.get(random.nextInt(seeds.size()));
        if (other.length == 0) return b;
        int from = random.nextInt(other.length);
        int len = 1 + random.nextInt(Math.min(other.length - from, 256));
        int at = b.length == 0 ? 0 : random.nextInt(b.length);
        byte[] chunk = Arrays.copyOfRange(other, from, from + len);
        return random.nextBoolean() ? replace(b, at, Math.min(b.length, at + len), chunk) : insert(b, at, chunk);
    }

    private byte[] delete(byte[] b) {
        int at = random.nextInt(b.length);
        int len = 1 + random.nextInt(Math.min(b.length - at, 64));
        return replace(b, at, at + len, new byte[0]);
    }

    private byte[] duplicate(byte[] b) {
        int at = random.nextInt(b.length);
        int len = 1 + random.nextInt(Math.min(b.length - at, 64));
        return insert(b, random.nextInt(b.length), Arrays.copyOfRange(b, at, at + len));
    }

    private byte[] token() {
        if (!tokens.isEmpty() && random.nextInt(3) > 0) return tokens.get(random.nextInt(tokens.size()));
        return TEXT[random.nextInt(TEXT.length)];
    }

    private byte[] insert(byte[] b, byte[] chunk) {
        return random.nextBoolean() ? insert(b, random.nextInt(b.length + 1), chunk)
                : replace(b, random.nextInt(b.length), Math.min(b.length, random.nextInt(b.length) + chunk.length), chunk);
    }

    private static byte[] insert(byte[] b, int at, byte[] chunk) {
        return replace(b, at, at, chunk);
    }

    private static byte[] replace(byte[] b, int from, int to, byte[] chunk) {
        if (to < from) to = from;
        byte[] r = new byte[b.length - (to - from) + chunk.length];
        System.arraycopy(b, 0, r, 0, from);
        System.arraycopy(chunk, 0, r, from, chunk.length);
        System.arraycopy(b, to, r, from + chunk.length, b.length - to);
        return r;
    }
}
