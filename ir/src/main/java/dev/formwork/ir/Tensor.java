package dev.formwork.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;

/**
 * An immutable constant tensor: element type, shape and little-endian bytes.
 *
 * <p>The bytes are a view, never a copy: a tensor read from a checkpoint is a slice of the
 * memory-mapped file. Rewrites that change values (folding a BatchNorm, re-laying out a weight)
 * create new tensors with their own buffers; everything else passes the view along.
 */
public final class Tensor {
    private final DType dtype;
    private final Shape shape;
    private final ByteBuffer data;

    private Tensor(DType dtype, Shape shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /** Wraps existing bytes (position..limit) without copying. */
    public static Tensor wrap(DType dtype, Shape shape, ByteBuffer bytes) {
        long expected = shape.numel() * dtype.byteSize();
        if (bytes.remaining() != expected) {
            throw new IllegalArgumentException("tensor " + dtype.label() + shape + " needs " + expected
                    + " bytes, got " + bytes.remaining());
        }
        ByteBuffer view = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new Tensor(dtype, shape, view.isReadOnly() ? view : view.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
    }

    public static Tensor ofFloats(Shape shape, float... values) {
        checkCount(shape, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return wrap(DType.FLOAT32, shape, b);
    }

    public static Tensor ofLongs(Shape shape, long... values) {
        checkCount(shape, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return wrap(DType.INT64, shape, b);
    }

    public static Tensor ofInts(Shape shape, int... values) {
        checkCount(shape, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return wrap(DType.INT32, shape, b);
    }

    public static Tensor scalar(float v) {
        return ofFloats(Shape.SCALAR, v);
    }

    private static void checkCount(Shape shape, int n) {
        if (shape.numel() != n) {
            throw new IllegalArgumentException("shape " + shape + " holds " + shape.numel() + " values, got " + n);
        }
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public ValueType type() {
        return new ValueType(dtype, shape);
    }

    public long numel() {
        return shape.numel();
    }

    public long byteSize() {
        return data.capacity();
    }

    /** A fresh read-only little-endian view of the bytes, positioned at 0. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Element {@code i} widened to float (fp16 and integers converted). */
    public float getFloat(long i) {
        int idx = Math.toIntExact(i);
        return switch (dtype) {
            case FLOAT32 -> data.getFloat(idx * 4);
            case FLOAT16 -> Half.toFloat(data.getShort(idx * 2));
            case INT64 -> data.getLong(idx * 8);
            case INT32 -> data.getInt(idx * 4);
        };
    }

    /** Element {@code i} as a long (integer types only). */
    public long getLong(long i) {
        int idx = Math.toIntExact(i);
        return switch (dtype) {
            case INT64 -> data.getLong(idx * 8);
            case INT32 -> data.getInt(idx * 4);
            default -> throw new IllegalStateException("getLong on " + dtype.label() + " tensor");
        };
    }

    /** All elements widened to float32, in a new array. */
    public float[] toFloatArray() {
        int n = Math.toIntExact(numel());
        float[] out = new float[n];
        switch (dtype) {
            case FLOAT32 -> data().asFloatBuffer().get(out);
            case FLOAT16 -> {
                ByteBuffer b = data();
                for (int i = 0; i < n; i++) out[i] = Half.toFloat(b.getShort(i * 2));
            }
            default -> {
                for (int i = 0; i < n; i++) out[i] = getFloat(i);
            }
        }
        return out;
    }

    public long[] toLongArray() {
        int n = Math.toIntExact(numel());
        long[] out = new long[n];
        if (dtype == DType.INT64) {
            data().asLongBuffer().get(out);
        } else {
            for (int i = 0; i < n; i++) out[i] = getLong(i);
        }
        return out;
    }

    public FloatBuffer asFloatBuffer() {
        if (dtype != DType.FLOAT32) throw new IllegalStateException("not float32: " + dtype.label());
        return data().asFloatBuffer();
    }

    public LongBuffer asLongBuffer() {
        if (dtype != DType.INT64) throw new IllegalStateException("not int64: " + dtype.label());
        return data().asLongBuffer();
    }

    /** Same bytes, new shape of equal element count (no copy). */
    public Tensor reshape(Shape newShape) {
        if (newShape.numel() != shape.numel()) {
            throw new IllegalArgumentException("cannot reshape " + shape + " to " + newShape);
        }
        return new Tensor(dtype, newShape, data);
    }

    /** Converts to another element type; returns {@code this} when already of that type. */
    public Tensor cast(DType to) {
        if (to == dtype) return this;
        int n = Math.toIntExact(numel());
        ByteBuffer b = ByteBuffer.allocate(n * to.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            switch (to) {
                case FLOAT32 -> b.putFloat(getFloat(i));
                case FLOAT16 -> b.putShort(Half.fromFloat(getFloat(i)));
                case INT64 -> b.putLong(dtype.isFloat() ? (long) getFloat(i) : getLong(i));
                case INT32 -> b.putInt(Math.toIntExact(dtype.isFloat() ? (long) getFloat(i) : getLong(i)));
            }
        }
        b.flip();
        return wrap(to, shape, b);
    }

    /** True when both tensors have the same type and identical bytes. */
    public boolean contentEquals(Tensor o) {
        return dtype == o.dtype && shape.equals(o.shape) && data().equals(o.data());
    }

    @Override
    public String toString() {
        return "Tensor" + type();
    }
}
