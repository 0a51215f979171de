package dev.formwork.exporters.tflite;

/**
 * Maps ONNX-style explicit pads to TFLite's two padding modes.
 *
 * <p>SAME pads {@code total = max((ceil(in/s)-1)*s + (k-1)*d + 1 - in, 0)}, {@code floor(total/2)}
 * before and the rest after; it matches PyTorch's symmetric {@code p} only when that computation
 * gives (p, p). A 3x3 stride-1 pad-1 conv is SAME on any input; a 3x3 stride-2 pad-1 conv on an
 * even input is not (SAME gives 0 before, 1 after), so it needs an explicit PAD + VALID. All-zero
 * pads are VALID.
 *
 * @param mode Padding.SAME or Padding.VALID
 * @param explicit pads for a PAD op before the op ([top, left, bottom, right]), or null
 */
record Padding(byte mode, int[] explicit) {
    /** {@code pads} [top, left, bottom, right]; {@code outH/outW} what the IR computed. */
    static Padding of(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, int[] pads, int outH, int outW) {
        boolean zero = pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0;
        if (zero) return new Padding(org.tensorflow.lite.schema.Padding.VALID, null);
        int[] sameH = same(h, kh, sh, dh), sameW = same(w, kw, sw, dw);
        boolean same = sameH[0] == pads[0] && sameH[1] == pads[2] && sameW[0] == pads[1] && sameW[1] == pads[3]
                && ceilDiv(h, sh) == outH && ceilDiv(w, sw) == outW;
        if (same) return new Padding(org.tensorflow.lite.schema.Padding.SAME, null);
        return new Padding(org.tensorflow.lite.schema.Padding.VALID, pads.clone());
    }

    /** {before, after} of TFLite's SAME padding along one axis. */
    static int[] same(int in, int k, int s, int d) {
        int out = ceilDiv(in, s);
        int total = Math.max((out - 1) * s + (k - 1) * d + 1 - in, 0);
        return new int[] {total / 2, total - total / 2};
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    boolean needsPad() {
        return explicit != null;
    }
}
