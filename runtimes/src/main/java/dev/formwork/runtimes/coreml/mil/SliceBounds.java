package dev.formwork.runtimes.coreml.mil;

/** Python slice bounds ({@code slice(begin, end, step).indices(len)}), as slice_by_index uses them. */
final class SliceBounds {
    private SliceBounds() {}

    /** Resolves possibly-null, possibly-negative bounds to concrete {start, stop}. */
    static int[] resolve(Integer begin, Integer end, int step, int len) {
        int start, stop;
        if (step > 0) {
            start = begin == null ? 0 : clamp(begin < 0 ? begin + len : begin, 0, len);
            stop = end == null ? len : clamp(end < 0 ? end + len : end, 0, len);
        } else {
            start = begin == null ? len - 1 : clamp(begin < 0 ? begin + len : begin, -1, len - 1);
            stop = end == null ? -1 : clamp(end < 0 ? end + len : end, -1, len - 1);
        }
        return new int[] {start, stop};
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }
}
