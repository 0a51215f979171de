package dev.formwork.frontends.efficientformer;

import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;

/**
 * The relative-position index tables of the attention biases. Computed here, never trusted from
 * a file: timm V2 does not save them, and a checkpoint's copy is only compared against these.
 *
 * <p>For query position (y1, x1) and key position (y2, x2) on a grid of width r the index is
 * |y1 - y2| * r + |x1 - x2|; positions are row-major (token n = y * r + x).
 */
final class AttentionIndex {
    /** A [rows, cols] int64 table. */
    record Table(int rows, int cols, long[] values) {
        Tensor tensor() {
            return Tensor.ofLongs(Shape.of(rows, cols), values);
        }
    }

    private AttentionIndex() {}

    /** Queries and keys on the same r x r grid: [r*r, r*r] (V1 Attention, V2 Attention4D). */
    static Table square(int r) {
        int n = r * r;
        long[] idx = new long[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                idx[i * n + j] = (long) Math.abs(i / r - j / r) * r + Math.abs(i % r - j % r);
            }
        }
        return new Table(n, n, idx);
    }

    /**
     * V2 Attention4DDownsample: keys on the r x r grid, queries on every second key position
     * (0, 2, 4, ...: ceil(r/2) per side): [ceil(r/2)^2, r*r].
     */
    static Table downsample(int r) {
        int r2 = (r + 1) / 2, nq = r2 * r2, nk = r * r;
        long[] idx = new long[nq * nk];
        for (int q = 0; q < nq; q++) {
            int qy = 2 * (q / r2), qx = 2 * (q % r2);
            for (int k = 0; k < nk; k++) {
                idx[q * nk + k] = (long) Math.abs(qy - k / r) * r + Math.abs(qx - k % r);
            }
        }
        return new Table(nq, nk, idx);
    }
}
