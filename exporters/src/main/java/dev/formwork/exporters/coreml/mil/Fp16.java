package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Half;
import dev.formwork.ir.Tensor;

/**
 * float32 -> float16 for constants, as coremltools' fp16 pass casts them: round to nearest even;
 * in small tensors (fewer than {@value #SMALL} elements, e.g. an epsilon or a scale) a non-zero
 * value that would round to zero becomes the smallest subnormal of its sign instead, so an
 * epsilon can never vanish. Values above the fp16 range never get here: an op with such a
 * constant is kept in fp32 (see {@link MilContext#computeType}).
 */
public final class Fp16 {
    public static final int SMALL = 400;
    /** Largest finite half. */
    public static final float MAX = 65504f;

    private Fp16() {}

    public static short half(float v, boolean keepNonZero) {
        short h = Half.fromFloat(v);
        if (keepNonZero && v != 0f && !Float.isNaN(v) && (h & 0x7fff) == 0) return (short) (v > 0 ? 0x0001 : 0x8001);
        return h;
    }

    public static short[] halves(Tensor t) {
        int n = Math.toIntExact(t.numel());
        boolean small = n < SMALL;
        short[] r = new short[n];
        for (int i = 0; i < n; i++) r[i] = half(t.getFloat(i), small);
        return r;
    }

    /** Whether any finite element lies outside the half range (coremltools then keeps the op fp32). */
    public static boolean overflows(Tensor t) {
        if (!t.dtype().isFloat()) return false;
        long n = t.numel();
        if (t.dtype() == dev.formwork.ir.DType.FLOAT32) {
            java.nio.FloatBuffer b = t.asFloatBuffer();
            float[] chunk = new float[8192];
            while (b.hasRemaining()) {
                int k = Math.min(chunk.length, b.remaining());
                b.get(chunk, 0, k);
                for (int i = 0; i < k; i++) {
                    float v = Math.abs(chunk[i]);
                    if (v > MAX && v < 1e38f) return true;
                }
            }
        }
        return false;
    }
}
