package dev.formwork.runtimes.coreml.mil;

import dev.formwork.exporters.coreml.validate.MilTypes;
import dev.formwork.ir.Half;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Arrays;
import java.util.List;

/**
 * A runtime value of an ML Program: a tensor (or scalar, rank 0) of one MIL element type, or a
 * list (the {@code classes} of {@code classify}).
 *
 * <p>Floating types are held as float32 data; a FLOAT16 tensor's elements are always exactly
 * representable halves (rounded when produced). Integer and bool tensors are held as longs
 * (bool as 0/1), strings as Java strings.
 */
public final class MilValue {
    private final DataType dtype;
    private final int[] shape;
    private final float[] f;
    private final long[] i;
    private final String[] s;
    private final List<MilValue> list;

    private MilValue(DataType dtype, int[] shape, float[] f, long[] i, String[] s, List<MilValue> list) {
        this.dtype = dtype;
        this.shape = shape;
        this.f = f;
        this.i = i;
        this.s = s;
        this.list = list;
    }

    public static MilValue floats(DataType dtype, int[] shape, float[] data) {
        check(shape, data.length);
        if (!MilTypes.isFloat(dtype)) throw new IllegalArgumentException(dtype + " is not a float type");
        if (dtype == DataType.FLOAT16) for (int k = 0; k < data.length; k++) data[k] = Half.round(data[k]);
        return new MilValue(dtype, shape.clone(), data, null, null, null);
    }

    public static MilValue ints(DataType dtype, int[] shape, long[] data) {
        check(shape, data.length);
        return new MilValue(dtype, shape.clone(), null, data, null, null);
    }

    public static MilValue strings(int[] shape, String[] data) {
        check(shape, data.length);
        return new MilValue(DataType.STRING, shape.clone(), null, null, data, null);
    }

    public static MilValue list(List<MilValue> items) {
        return new MilValue(DataType.UNUSED_TYPE, new int[0], null, null, null, List.copyOf(items));
    }

    public static MilValue scalarInt(long v) {
        return ints(DataType.INT32, new int[0], new long[] {v});
    }

    private static void check(int[] shape, int n) {
        long p = 1;
        for (int d : shape) p *= d;
        if (p != n) throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " vs " + n + " values");
    }

    public DataType dtype() {
        return dtype;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int k) {
        return shape[k < 0 ? k + shape.length : k];
    }

    public int size() {
        return f != null ? f.length : i != null ? i.length : s != null ? s.length : 0;
    }

    public boolean isFloat() {
        return f != null;
    }

    public boolean isList() {
        return list != null;
    }

    /** Float data (shared); integer tensors are converted. */
    public float[] floats() {
        if (f != null) return f;
        if (i != null) {
            float[] r = new float[i.length];
            for (int k = 0; k < r.length; k++) r[k] = i[k];
            return r;
        }
        throw new IllegalStateException(describe() + " has no numeric data");
    }

    /** Integer data (shared); float tensors are truncated toward zero. */
    public long[] longs() {
        if (i != null) return i;
        if (f != null) {
            long[] r = new long[f.length];
            for (int k = 0; k < r.length; k++) r[k] = (long) f[k];
            return r;
        }
        throw new IllegalStateException(describe() + " has no numeric data");
    }

    public String[] strings() {
        if (s == null) throw new IllegalStateException(describe() + " is not a string tensor");
        return s;
    }

    public List<MilValue> items() {
        if (list == null) throw new IllegalStateException(describe() + " is not a list");
        return list;
    }

    public String describe() {
        if (list != null) return "list[" + list.size() + "]";
        StringBuilder b = new StringBuilder(MilTypes.name(dtype)).append('[');
        for (int k = 0; k < shape.length; k++) b.append(k > 0 ? "," : "").append(shape[k]);
        return b.append(']').toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
