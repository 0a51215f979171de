package dev.formwork.runtimes;

/**
 * How to run an artifact.
 *
 * @param threads intra-op threads (0 = the runtime's default)
 * @param xnnpack TFLite only: use the XNNPACK delegate (its default)
 * @param fp16Compute Core ML executor only: round every intermediate to half precision
 */
public record RunOptions(int threads, boolean xnnpack, boolean fp16Compute) {
    public static RunOptions defaults() {
        return new RunOptions(0, true, false);
    }

    public RunOptions withThreads(int t) {
        return new RunOptions(t, xnnpack, fp16Compute);
    }

    public RunOptions withXnnpack(boolean x) {
        return new RunOptions(threads, x, fp16Compute);
    }

    public RunOptions withFp16Compute(boolean f) {
        return new RunOptions(threads, xnnpack, f);
    }
}
