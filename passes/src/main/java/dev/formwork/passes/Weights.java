package dev.formwork.passes;

import dev.formwork.ir.DType;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.function.IntToDoubleFunction;

/**
 * Constant-tensor helpers for rewrites. New tensors are computed element by element in double
 * and rounded to float32 once, straight into the one buffer the new tensor owns (no float[]
 * staging copy); inputs are read through views.
 */
public final class Weights {
    private Weights() {}

    /** A new float32 tensor of {@code shape} with element i = (float) f(i). */
    public static Tensor build(Shape shape, IntToDoubleFunction f) {
        int n = Math.toIntExact(shape.numel());
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer fb = b.asFloatBuffer();
        for (int i = 0; i < n; i++) fb.put(i, (float) f.applyAsDouble(i));
        return Tensor.wrap(DType.FLOAT32, shape, b);
    }

    /**
     * W'[o, ...] = W[o, ...] * mul[o] for a weight whose leading axis is the output feature: rows
     * are moved in bulk through one row-sized scratch array, multiplied in double, rounded once.
     */
    public static Tensor scaleRows(Tensor w, double[] mul) {
        int out = w.shape().dim(0), row = Math.toIntExact(w.numel() / out);
        return scale(w, out, row, (o, j) -> mul[o]);
    }

    /** The factor for element j of row o (kept monomorphic per call site by the callers' lambdas). */
    interface Factor {
        double at(int row, int column);
    }

    /** W'[o, j] = W[o, j] * f(o, j) row by row, in bulk. */
    static Tensor scale(Tensor w, int rows, int row, Factor f) {
        FloatBuffer src = view(w);
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(w.numel()) * 4).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer dst = b.asFloatBuffer();
        float[] buf = new float[row];
        for (int o = 0; o < rows; o++) {
            src.get(o * row, buf);
            for (int j = 0; j < row; j++) buf[j] = (float) (buf[j] * f.at(o, j));
            dst.put(o * row, buf);
        }
        return Tensor.wrap(DType.FLOAT32, w.shape(), b);
    }

    public static Tensor filled(Shape shape, float value) {
        return build(shape, i -> value);
    }

    /** A float32 view of a float32 tensor (no copy). */
    public static FloatBuffer view(Tensor t) {
        return t.asFloatBuffer();
    }

    /** The tensor's values in double (for small per-channel vectors). */
    public static double[] doubles(Tensor t) {
        double[] d = new double[Math.toIntExact(t.numel())];
        for (int i = 0; i < d.length; i++) d[i] = t.getFloat(i);
        return d;
    }

    /**
     * The constant behind {@code v}: v's own data, or the data of a constant seen through
     * Reshape / Flatten / Identity nodes (a layer scale is Reshape(gamma, [1,C,1,1])), viewed with
     * v's shape. Null when v is computed from anything else.
     */
    public static Tensor constantOf(Value v) {
        Value r = root(v);
        return r == null ? null : r.constant().reshape(v.shape());
    }

    /** The constant {@link #constantOf} reads, or null. */
    public static Value root(Value v) {
        Value cur = v;
        while (!cur.isConstant()) {
            Node p = cur.producer();
            if (p == null || !(p.is("Reshape") || p.is("Flatten") || p.is("Identity"))) return null;
            cur = p.input(0);
        }
        return cur;
    }

    /** True for a float32 constant (the only kind rewrites compute on). */
    public static boolean isF32(Tensor t) {
        return t != null && t.dtype() == DType.FLOAT32;
    }

    /** True when every element equals {@code x} exactly. */
    public static boolean allEqual(Tensor t, float x) {
        if (!t.dtype().isFloat()) return false;
        for (long i = 0, n = t.numel(); i < n; i++) {
            if (Float.compare(t.getFloat(i), x) != 0) return false;
        }
        return true;
    }

    /**
     * For a constant c that multiplies a tensor of {@code shape} elementwise: the per-index factor
     * along {@code axis} when c varies along that axis only and does not enlarge the result, else
     * null. A scalar gives the same factor for every index.
     */
    public static double[] perAxis(Tensor c, Shape shape, int axis) {
        int r = shape.rank(), cr = c.shape().rank();
        if (cr > r) return null;
        int n = shape.dim(axis);
        int along = 1;
        for (int i = 0; i < cr; i++) {
            int d = c.shape().dim(i), target = i + (r - cr);
            if (d == 1) continue;
            if (target != axis || d != n) return null;
            along = d;
        }
        double[] f = new double[n];
        for (int i = 0; i < n; i++) f[i] = c.getFloat(along == 1 ? 0 : i);
        return f;
    }
}
