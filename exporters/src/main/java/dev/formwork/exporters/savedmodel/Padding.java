package dev.formwork.exporters.savedmodel;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;

/**
 * Maps the IR's explicit pads to TensorFlow's padding modes.
 *
 * <p>SAME pads {@code total = max((ceil(in/s)-1)*s + (k-1)*d + 1 - in, 0)}, {@code floor(total/2)}
 * before and the rest after; that equals PyTorch's symmetric {@code p} only when it gives (p, p)
 * on both axes (3x3 stride-1 pad-1 on any input). Otherwise (3x3 stride-2 pad-1 on an even input:
 * SAME would pad 0 before, 1 after) an explicit Pad precedes a VALID op. All-zero pads are VALID.
 *
 * @param mode "SAME" or "VALID"
 * @param explicit pads for a Pad node ([top, left, bottom, right]), or null
 */
record Padding(String mode, int[] explicit) {
    /** {@code pads} [top, left, bottom, right]; {@code outH/outW} what the IR computed. */
    static Padding of(int h, int w, int kh, int kw, int sh, int sw, int dh, int dw, int[] pads, int outH, int outW) {
        if (pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0) return new Padding("VALID", null);
        int[] sameH = same(h, kh, sh, dh), sameW = same(w, kw, sw, dw);
        boolean same = sameH[0] == pads[0] && sameH[1] == pads[2] && sameW[0] == pads[1] && sameW[1] == pads[3]
                && ceilDiv(h, sh) == outH && ceilDiv(w, sw) == outW;
        return same ? new Padding("SAME", null) : new Padding("VALID", pads.clone());
    }

    /** {before, after} of SAME padding along one axis. */
    static int[] same(int in, int k, int s, int d) {
        int total = Math.max((ceilDiv(in, s) - 1) * s + (k - 1) * d + 1 - in, 0);
        return new int[] {total / 2, total - total / 2};
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Spatial ops must have been laid out NHWC by the layout pass. */
    static void requireNhwc(Node n) {
        if (!"NHWC".equals(n.s("layout"))) {
            throw TfGraph.refuse(n, "layout " + n.s("layout") + "; the SavedModel is NHWC, run the layout pass (ToNhwcLayout) first");
        }
    }

    /** Pad with zeros, [[0,0],[top,bottom],[left,right],[0,0]] on an NHWC tensor. */
    static String pad(TfGraph g, String in, int[] tlbr, String name) {
        return g.op("Pad", name, padAttrs(), in, paddings(g, tlbr, name));
    }

    /** PadV2 with {@code value} (max pooling pads with -inf so padding never wins), the same geometry. */
    static String pad(TfGraph g, String in, int[] tlbr, float value, String name) {
        String paddings = paddings(g, tlbr, name);
        return g.op("PadV2", name, padAttrs(), in, paddings, g.scalar(name + "/value", value));
    }

    private static String paddings(TfGraph g, int[] tlbr, String name) {
        return g.int32(name + "/paddings", Shape.of(4, 2), 0, 0, tlbr[0], tlbr[2], tlbr[1], tlbr[3], 0, 0);
    }

    private static TfAttrs padAttrs() {
        return TfAttrs.floatT().type("Tpaddings", dev.formwork.proto.tensorflow.SavedModelProto.DataType.DT_INT32);
    }
}
