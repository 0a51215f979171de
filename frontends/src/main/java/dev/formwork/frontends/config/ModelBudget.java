package dev.formwork.frontends.config;

import dev.formwork.ir.FormworkException;

/**
 * Refuses, before anything is built, a config whose weights, attention tables or first
 * activations would not fit in memory. The estimate over-counts on purpose (every block as if it
 * had attention's four C x C projections besides its MLP), so a config it accepts is safe to build;
 * real models are far below the limit (L7: 82 M parameters, 0.3 GB in float32, against 4 GiB).
 *
 * <p>The limit is process-wide and set by the CLI's {@code --max-model-bytes} for users with
 * bigger custom models.
 */
public final class ModelBudget {
    /** The default limit on the estimate: 4 GiB. */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;
    private static volatile long maxBytes = DEFAULT_MAX_BYTES;

    private ModelBudget() {}

    public static long maxBytes() {
        return maxBytes;
    }

    public static void setMaxBytes(long bytes) {
        if (bytes < 1) throw new FormworkException("--max-model-bytes must be positive, got " + bytes);
        maxBytes = bytes;
    }

    /** Throws naming the field that makes the estimate exceed the limit. Doubles, so nothing overflows. */
    static void check(String where, Family family, int[] depths, int[] dims, int numVit, int numClasses, int imageSize,
            double[][] ratios) {
        double weights = 0;
        for (int s = 0; s < 4; s++) {
            double c = dims[s];
            for (int b = 0; b < depths[s]; b++) weights += (4 + 2 * ratios[s][b]) * c * c + 64 * c;
            if (s < 3) weights += 9.0 * c * dims[s + 1];
        }
        weights += 9.0 * dims[0] * dims[0] + 2.0 * dims[3] * numClasses;
        long limit = maxBytes;
        if (4 * weights > limit) {
            String field = 2.0 * dims[3] * numClasses * 4 > limit ? "num_classes" : widest(depths, dims);
            throw ModelConfig.bad(where, field, String.format("the weights would take about %.3g GB in float32, over the %.3g GB limit"
                    + " (raise it with --max-model-bytes)", 4 * weights / 1e9, limit / 1e9));
        }
        // Attention index tables are (tokens x tokens) int64, tokens = (image / 32)^2 in the last
        // stage, (image / 16)^2 in V2's third; the stem's activations are C0 x (image / 2)^2 floats.
        double r4 = Math.ceil(imageSize / 32.0), r3 = Math.ceil(imageSize / 16.0);
        double tables = numVit * 8 * Math.pow(r4, 4);
        if (family == Family.V2) tables += (numVit + 1) * 8 * Math.pow(r3, 4);
        double activations = 4.0 * Math.max(3, dims[0]) * Math.pow(imageSize / 2.0, 2) * 4;
        if (tables + activations > limit) {
            throw ModelConfig.bad(where, "image_size", String.format("%d needs about %.3g GB for attention tables and activations,"
                    + " over the %.3g GB limit (raise it with --max-model-bytes)", imageSize, (tables + activations) / 1e9, limit / 1e9));
        }
    }

    private static String widest(int[] depths, int[] dims) {
        int wide = 0;
        for (int s = 1; s < 4; s++) if (dims[s] > dims[wide]) wide = s;
        return dims[wide] > 4096 || depths[wide] < 100 ? "embed_dims" : "depths";
    }
}
