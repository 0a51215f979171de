package dev.formwork.passes;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one pass changed: net op counts removed and added (by op type, sorted), the number of
 * rewrites it made (a fold that edits weights in place counts, even when no node goes away), a
 * short message, and for approximating rewrites the error they cost on the verification input.
 *
 * @param rewrites matches rewritten
 * @param removed op type -> how many fewer nodes of that type (net)
 * @param added op type -> how many more nodes of that type (net)
 * @param message one line for logs and reports
 * @param approximation error of an approximation the user asked for, or null for exact rewrites
 */
public record PassResult(int rewrites, Map<String, Integer> removed, Map<String, Integer> added, String message,
                         Approximation approximation) {

    /**
     * The error an approximating rewrite costs, measured through the reference interpreter on the
     * verification input against the graph before the pass.
     *
     * @param maxAbs largest absolute difference over all outputs
     * @param relativeToScale maxAbs divided by the largest |output| of the exact graph
     */
    public record Approximation(double maxAbs, double relativeToScale) {}

    public PassResult {
        removed = Collections.unmodifiableMap(new TreeMap<>(removed));
        added = Collections.unmodifiableMap(new TreeMap<>(added));
    }

    public static PassResult unchanged(String message) {
        return new PassResult(0, Map.of(), Map.of(), message, null);
    }

    public boolean changed() {
        return rewrites > 0 || !removed.isEmpty() || !added.isEmpty();
    }

    public PassResult withApproximation(Approximation a) {
        return new PassResult(rewrites, removed, added, message, a);
    }

    /** E.g. {@code 12 rewrites; -BatchNorm 12; +Mul 1: folded 12 BatchNorms}. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(rewrites).append(rewrites == 1 ? " rewrite" : " rewrites");
        if (!removed.isEmpty()) b.append("; ").append(format('-', removed));
        if (!added.isEmpty()) b.append("; ").append(format('+', added));
        if (message != null && !message.isEmpty()) b.append(": ").append(message);
        if (approximation != null) {
            b.append(String.format(" (approximation error %.3g abs, %.3g of max|output|)", approximation.maxAbs(),
                    approximation.relativeToScale()));
        }
        return b.toString();
    }

    private static String format(char sign, Map<String, Integer> m) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Integer> e : m.entrySet()) {
            if (b.length() > 0) b.append(", ");
            b.append(sign).append(e.getKey()).append(' ').append(e.getValue());
        }
        return b.toString();
    }
}
