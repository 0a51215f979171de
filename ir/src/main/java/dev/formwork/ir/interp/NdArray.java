package dev.formwork.ir.interp;

import dev.formwork.ir.DType;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import java.util.Arrays;

/**
 * A dense, row-major array the reference interpreter computes on: float32 data, or int64 for
 * index tensors. Mutable on purpose (kernels fill their outputs in place); never shared between
 * two live values.
 */
public final class NdArray {
    private final int[] shape;
    private final float[] f;
    private final long[] l;

    private NdArray(int[] shape, float[] f, long[] l) {
        this.shape = shape;
        this.f = f;
        this.l = l;
    }

    public static NdArray of(int[] shape, float[] data) {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " vs " + data.length + " values");
        }
        return new NdArray(shape.clone(), data, null);
    }

    public static NdArray zeros(int... shape) {
        return new NdArray(shape.clone(), new float[Math.toIntExact(numel(shape))], null);
    }

    public static NdArray ofLongs(int[] shape, long[] data) {
        if (numel(shape) != data.length) throw new IllegalArgumentException("shape/data mismatch");
        return new NdArray(shape.clone(), null, data);
    }

    /** Converts a constant: float16 widened to float32, int32 widened to int64. */
    public static NdArray fromTensor(Tensor t) {
        int[] s = t.shape().toArray();
        if (t.dtype().isFloat()) return new NdArray(s, t.toFloatArray(), null);
        return new NdArray(s, null, t.toLongArray());
    }

    public Tensor toTensor() {
        return isLong() ? Tensor.ofLongs(Shape.of(shape), l) : Tensor.ofFloats(Shape.of(shape), f);
    }

    public boolean isLong() {
        return l != null;
    }

    public DType dtype() {
        return isLong() ? DType.INT64 : DType.FLOAT32;
    }

    /** The float data (shared, not copied). */
    public float[] data() {
        if (f == null) throw new IllegalStateException("int64 array read as float");
        return f;
    }

    public long[] longs() {
        if (l == null) throw new IllegalStateException("float array read as int64");
        return l;
    }

    public int[] shape() {
        return shape.clone();
    }

    public Shape shapeObj() {
        return Shape.of(shape);
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i < 0 ? i + shape.length : i];
    }

    public int size() {
        return f != null ? f.length : l.length;
    }

    /** Same data, another shape of equal size (no copy). */
    public NdArray reshape(int... newShape) {
        if (numel(newShape) != size()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        }
        return new NdArray(newShape.clone(), f, l);
    }

    /** The backing array (float[] or long[]), for dtype-agnostic data movement with System.arraycopy. */
    public Object raw() {
        return f != null ? f : l;
    }

    /** A new zero array of this array's dtype and the given shape. */
    public NdArray newLike(int... newShape) {
        int n = Math.toIntExact(numel(newShape));
        return f != null ? new NdArray(newShape.clone(), new float[n], null) : new NdArray(newShape.clone(), null, new long[n]);
    }

    public NdArray copy() {
        return new NdArray(shape.clone(), f == null ? null : f.clone(), l == null ? null : l.clone());
    }

    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    @Override
    public String toString() {
        return "NdArray" + dtype().label() + Arrays.toString(shape);
    }
}
