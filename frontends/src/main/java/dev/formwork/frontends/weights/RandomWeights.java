package dev.formwork.frontends.weights;

import dev.formwork.ir.DType;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.IntStream;

/**
 * Seeded random weights, drawn per key: the tensor for a key depends only on (seed, key, shape,
 * kind), never on the order in which the builder asks, so adding a layer or reordering the build
 * does not change every other weight, and two runs with one seed give identical artifacts.
 *
 * <p>Each tensor is cut into fixed 64 Ki-element chunks with their own SplitMix64 stream derived
 * from the key's seed and the chunk index. That makes the result independent of thread count
 * and lets large tensors (L7's 330 MB) be drawn in parallel without per-element boxing.
 */
public final class RandomWeights implements WeightSource {
    private static final int CHUNK = 1 << 16;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long seed;

    public RandomWeights(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** The per-key seed: FNV-1a over the key's UTF-8 bytes, folded with the seed through SplitMix64. */
    public static long keySeed(long seed, String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(mix(seed) ^ h);
    }

    /** SplitMix64's finaliser: a fixed bijective 64-bit mix. */
    static long mix(long z) {
        z += GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public Tensor take(String timmKey, Shape shape, Init kind) {
        return draw(keySeed(seed, timmKey), shape, kind);
    }

    /** Draws a float32 tensor of {@code shape} for {@code kind} from {@code keySeed}. */
    static Tensor draw(long keySeed, Shape shape, Init kind) {
        int n = Math.toIntExact(shape.numel());
        ByteBuffer bytes = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer out = bytes.asFloatBuffer();
        double fanIn = shape.rank() == 0 || shape.dim(0) == 0 ? 1 : (double) n / shape.dim(0);
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream range = IntStream.range(0, chunks);
        if (chunks > 4) range = range.parallel();
        range.forEach(c -> {
            int lo = c * CHUNK, len = Math.min(CHUNK, n - lo);
            float[] buf = new float[len];
            fill(buf, keySeed ^ mix(c * GOLDEN + 1), kind, fanIn);
            out.put(lo, buf, 0, len);
        });
        return Tensor.wrap(DType.FLOAT32, shape, bytes);
    }

    private static void fill(float[] a, long state, Init kind, double fanIn) {
        Rng r = new Rng(state);
        switch (kind) {
            case WEIGHT -> r.normal(a, 0, 1 / Math.sqrt(Math.max(fanIn, 1)));
            case BIAS, NORM_BIAS, RUNNING_MEAN -> r.normal(a, 0, 0.1);
            case ATTENTION_BIAS -> r.normal(a, 0, 1);
            case NORM_WEIGHT -> r.uniform(a, 0.8, 1.2);
            case RUNNING_VAR -> r.uniform(a, 0.5, 2.0);
            case LAYER_SCALE -> r.uniform(a, 0.1, 0.4);
        }
    }

    /** SplitMix64 stream with Box-Muller normals (two per pair of draws). */
    private static final class Rng {
        private long s;

        Rng(long s) {
            this.s = s;
        }

        long next() {
            s += GOLDEN;
            long z = s;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }

        /** Uniform in [0, 1) with 53 random bits. */
        double unit() {
            return (next() >>> 11) * 0x1.0p-53;
        }

        void uniform(float[] a, double lo, double hi) {
            double w = hi - lo;
            for (int i = 0; i < a.length; i++) a[i] = (float) (lo + w * unit());
        }

        void normal(float[] a, double mean, double std) {
            for (int i = 0; i < a.length; i += 2) {
                double u1 = 1.0 - unit(); // (0, 1]: log is finite
                double r = Math.sqrt(-2.0 * Math.log(u1)) * std;
                double t = 2 * Math.PI * unit();
                a[i] = (float) (mean + r * Math.cos(t));
                if (i + 1 < a.length) a[i + 1] = (float) (mean + r * Math.sin(t));
            }
        }
    }

    @Override
    public void checkBuffer(String timmKey, Tensor computed) {
        // Nothing to compare against: the model's own buffers are used.
    }

    @Override
    public void finish() {}

    @Override
    public boolean isRandom() {
        return true;
    }
}
