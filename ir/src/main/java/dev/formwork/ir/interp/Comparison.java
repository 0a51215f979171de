package dev.formwork.ir.interp;

/**
 * How far an output is from a reference: max absolute and relative error, the worst element,
 * cosine similarity and top-1 agreement per batch row. Used by --verify, golden checks and pass
 * certificates alike.
 *
 * @param maxAbs largest |a - e|
 * @param maxRel largest |a - e| / max(|e|, tiny)
 * @param worstIndex flat index of the largest absolute error
 * @param maxAbsReference largest |e| (scale of the output)
 * @param cosine cosine similarity of the flattened arrays
 * @param top1Agree batch items (leading axis; a 1-D output is one item) whose arg-max agree
 * @param rows number of rows compared for top-1
 */
public record Comparison(double maxAbs, double maxRel, int worstIndex, double maxAbsReference, double cosine,
                         int top1Agree, int rows) {

    public static Comparison of(NdArray actual, NdArray expected) {
        if (!java.util.Arrays.equals(actual.shape(), expected.shape())) {
            throw new IllegalArgumentException("shapes differ: " + java.util.Arrays.toString(actual.shape())
                    + " vs " + java.util.Arrays.toString(expected.shape()));
        }
        float[] a = actual.data(), e = expected.data();
        double maxAbs = 0, maxRel = 0, maxRef = 0, dot = 0, na = 0, ne = 0;
        int worst = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - e[i]);
            if (Double.isNaN(d)) d = Double.POSITIVE_INFINITY;
            if (d > maxAbs) {
                maxAbs = d;
                worst = i;
            }
            maxRel = Math.max(maxRel, d / Math.max(Math.abs(e[i]), 1e-12));
            maxRef = Math.max(maxRef, Math.abs(e[i]));
            dot += (double) a[i] * e[i];
            na += (double) a[i] * a[i];
            ne += (double) e[i] * e[i];
        }
        double cos = na == 0 || ne == 0 ? (na == ne ? 1 : 0) : dot / Math.sqrt(na * ne);
        // Rows are the batch items: the leading axis of a batched output; a 1-D output is one item.
        int rows = actual.rank() <= 1 ? 1 : actual.dim(0);
        int per = rows == 0 ? 0 : a.length / rows;
        int agree = 0;
        for (int r = 0; r < rows; r++) {
            if (argmax(a, r * per, per) == argmax(e, r * per, per)) agree++;
        }
        return new Comparison(maxAbs, maxRel, worst, maxRef, cos, agree, rows);
    }

    private static int argmax(float[] x, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (x[off + i] > x[off + best]) best = i;
        return best;
    }

    /** The fp32 verification rule: error within 1e-4 * max|ref| + 1e-5. */
    public boolean withinFp32() {
        return maxAbs <= 1e-4 * maxAbsReference + 1e-5;
    }

    /** The fp16 rule: cosine at least 0.999 and the same top-1 on every row. */
    public boolean withinFp16() {
        return cosine >= 0.999 && top1Agree == rows;
    }

    /** Certificate form: max error relative to the output's scale. */
    public double relativeToScale() {
        return maxAbsReference == 0 ? maxAbs : maxAbs / maxAbsReference;
    }
}
