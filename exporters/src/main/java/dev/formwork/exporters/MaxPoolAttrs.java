package dev.formwork.exporters;

import dev.formwork.ir.Node;
import java.util.Arrays;

/**
 * A MaxPool node's window with the IR's defaults filled in (strides and dilations 1, pads 0, each
 * left empty when the importer saw none), so every writer reads the same numbers.
 */
public record MaxPoolAttrs(int[] kernel, int[] strides, int[] pads, int[] dilations) {
    public static MaxPoolAttrs of(Node n) {
        int[] k = n.intArray("kernel");
        int sp = k.length;
        return new MaxPoolAttrs(k, orFill(n.intArray("strides"), sp, 1), orFill(n.intArray("pads"), 2 * sp, 0),
                orFill(n.intArray("dilations"), sp, 1));
    }

    private static int[] orFill(int[] v, int n, int fill) {
        if (v.length > 0) return v;
        int[] r = new int[n];
        Arrays.fill(r, fill);
        return r;
    }

    public int spatial() {
        return kernel.length;
    }

    /** Pad before spatial axis {@code i} (the IR holds all begins, then all ends). */
    public int begin(int i) {
        return pads[i];
    }

    public int end(int i) {
        return pads[spatial() + i];
    }

    public boolean dilated() {
        return Arrays.stream(dilations).anyMatch(d -> d != 1);
    }
}
