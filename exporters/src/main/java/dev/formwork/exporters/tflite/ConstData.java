package dev.formwork.exporters.tflite;

import dev.formwork.ir.DType;
import dev.formwork.ir.Half;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bytes of one constant buffer, described rather than materialised: an IR tensor, an
 * optional axis permutation (how CONV_2D and DEPTHWISE_CONV_2D want their filters) and the
 * element type to store. {@link #writeTo} produces the bytes directly into the flatbuffer, so a
 * re-laid or fp16 weight costs one pass over its source and no intermediate copy.
 */
final class ConstData {
    static final ConstData EMPTY = new ConstData(null, null, null, null);

    final Tensor source;
    final int[] perm;
    final DType stored;
    final byte[] raw;

    private ConstData(Tensor source, int[] perm, DType stored, byte[] raw) {
        this.source = source;
        this.perm = perm;
        this.stored = stored;
        this.raw = raw;
    }

    /** The tensor as it is (possibly converted to {@code stored}). */
    static ConstData of(Tensor t, DType stored) {
        return new ConstData(t, null, stored, null);
    }

    /** The tensor transposed by {@code perm} (output axis i = source axis perm[i]). */
    static ConstData permuted(Tensor t, int[] perm, DType stored) {
        return new ConstData(t, perm.clone(), stored, null);
    }

    /** Bytes given verbatim (metadata flatbuffers, version strings). */
    static ConstData bytes(byte[] b) {
        return new ConstData(null, null, null, b.clone());
    }

    boolean isEmpty() {
        return source == null && raw == null;
    }

    /** Shape after the permutation. */
    Shape shape() {
        if (perm == null) return source.shape();
        int[] d = new int[perm.length];
        for (int i = 0; i < d.length; i++) d[i] = source.shape().dim(perm[i]);
        return Shape.of(d);
    }

    int byteLength() {
        if (raw != null) return raw.length;
        if (source == null) return 0;
        return Math.toIntExact(source.numel() * stored.byteSize());
    }

    void writeTo(ByteBuffer out) {
        out.order(ByteOrder.LITTLE_ENDIAN);
        if (raw != null) {
            out.put(raw);
            return;
        }
        boolean sameOrder = perm == null || keepsMemoryOrder(source.shape(), perm);
        if (sameOrder && stored == source.dtype()) {
            out.put(source.data());
            return;
        }
        int n = Math.toIntExact(source.numel());
        int[] srcIndex = sameOrder ? null : PermutedIndex.table(source.shape(), perm);
        for (int i = 0; i < n; i++) {
            int s = srcIndex == null ? i : srcIndex[i];
            switch (stored) {
                case FLOAT32 -> out.putFloat(source.getFloat(s));
                case FLOAT16 -> out.putShort(Half.fromFloat(source.getFloat(s)));
                case INT32 -> out.putInt(Math.toIntExact(source.dtype().isFloat() ? (long) source.getFloat(s) : source.getLong(s)));
                case INT64 -> out.putLong(source.getLong(s));
            }
        }
    }

    /**
     * True when the permutation only moves size-1 axes, so the bytes are already in the target
     * order (a 1x1 convolution's [O,I,1,1] filter is [O,1,1,I] as stored): a straight copy.
     */
    static boolean keepsMemoryOrder(Shape src, int[] perm) {
        int last = -1;
        for (int p : perm) {
            if (src.dim(p) == 1) continue;
            if (p < last) return false;
            last = p;
        }
        return true;
    }

    /** Source element index for every destination element of a permuted copy. */
    static final class PermutedIndex {
        private PermutedIndex() {}

        static int[] table(Shape src, int[] perm) {
            int r = perm.length;
            int[] stride = new int[r];
            int st = 1;
            for (int i = r - 1; i >= 0; i--) {
                stride[i] = st;
                st *= src.dim(i);
            }
            int[] outDims = new int[r], step = new int[r];
            for (int i = 0; i < r; i++) {
                outDims[i] = src.dim(perm[i]);
                step[i] = stride[perm[i]];
            }
            int n = Math.toIntExact(src.numel());
            int[] t = new int[n];
            int[] idx = new int[r];
            int s = 0;
            for (int e = 0; e < n; e++) {
                t[e] = s;
                for (int d = r - 1; d >= 0; d--) {
                    s += step[d];
                    if (++idx[d] < outDims[d]) break;
                    s -= step[d] * outDims[d];
                    idx[d] = 0;
                }
            }
            return t;
        }
    }
}
