package dev.formwork.passes.layout;

import dev.formwork.ir.Shape;
import java.util.Arrays;

/**
 * Axis permutations as the layout pass uses them. A value laid out with permutation {@code p}
 * holds its logical (NCHW-convention) tensor transposed by {@code p}: physical axis {@code i} is
 * logical axis {@code p[i]}, so NHWC is {@code [0,2,3,1]} and identity is the logical layout.
 */
final class Perm {
    static final int[] NHWC = {0, 2, 3, 1};

    private Perm() {}

    static int[] identity(int rank) {
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) p[i] = i;
        return p;
    }

    static boolean isIdentity(int[] p) {
        for (int i = 0; i < p.length; i++) if (p[i] != i) return false;
        return true;
    }

    /** {@code inv[p[i]] = i}: where each logical axis sits physically. */
    static int[] inverse(int[] p) {
        int[] inv = new int[p.length];
        for (int i = 0; i < p.length; i++) inv[p[i]] = i;
        return inv;
    }

    /**
     * The Transpose perm that turns a value laid out as {@code from} into layout {@code to}
     * (output axis i reads input axis {@code q[i]}).
     */
    static int[] between(int[] from, int[] to) {
        int[] inv = inverse(from);
        int[] q = new int[to.length];
        for (int i = 0; i < to.length; i++) q[i] = inv[to[i]];
        return q;
    }

    /** Layout of {@code Transpose(x, t)}'s output when x is laid out as {@code p} and no data moves. */
    static int[] absorb(int[] p, int[] t) {
        int[] tinv = inverse(t);
        int[] r = new int[p.length];
        for (int j = 0; j < p.length; j++) r[j] = tinv[p[j]];
        return r;
    }

    /** The physical shape of a logical shape under layout p. */
    static Shape apply(Shape logical, int[] p) {
        int[] d = new int[p.length];
        for (int i = 0; i < p.length; i++) d[i] = logical.dim(p[i]);
        return Shape.of(d);
    }

    /**
     * True when transposing by {@code q} keeps the relative order of every axis longer than 1:
     * then the bytes do not move and a Reshape does the job of the Transpose.
     */
    static boolean onlyMovesUnitAxes(Shape physical, int[] q) {
        int last = -1;
        for (int a : q) {
            if (physical.dim(a) == 1) continue;
            if (a < last) return false;
            last = a;
        }
        return true;
    }

    /** The permutation swapping the last two axes (what BATCH_MATMUL's adj flags undo). */
    static int[] swapLastTwo(int rank) {
        int[] p = identity(rank);
        p[rank - 1] = rank - 2;
        p[rank - 2] = rank - 1;
        return p;
    }

    static boolean isSwapLastTwo(int[] p) {
        return p.length >= 2 && Arrays.equals(p, swapLastTwo(p.length));
    }

    static String format(int[] p) {
        return Arrays.toString(p).replace(" ", "");
    }
}
