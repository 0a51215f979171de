package dev.formwork.ir;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Immutable, ordered node attributes. Values are normalised to {@code Long}, {@code Double},
 * {@code String}, {@code long[]}, {@code double[]} or {@link Tensor}; defaults live in the op's
 * definition, not here.
 */
public final class Attributes {
    public static final Attributes EMPTY = new Attributes(new LinkedHashMap<>());

    private final Map<String, Object> values;

    private Attributes(LinkedHashMap<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /** {@code of("strides", new int[]{2, 2}, "groups", 4)}: alternating names and values. */
    public static Attributes of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) throw new IllegalArgumentException("odd argument count");
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], normalise(namesAndValues[i + 1]));
        }
        return new Attributes(m);
    }

    public Attributes with(String name, Object value) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>(values);
        m.put(name, normalise(value));
        return new Attributes(m);
    }

    public Attributes without(String name) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>(values);
        m.remove(name);
        return new Attributes(m);
    }

    static Object normalise(Object v) {
        if (v instanceof Integer i) return (long) i;
        if (v instanceof Long || v instanceof String || v instanceof Tensor || v instanceof Double) return v;
        if (v instanceof Float f) return (double) f;
        if (v instanceof Boolean b) return b ? 1L : 0L;
        if (v instanceof int[] a) return Arrays.stream(a).asLongStream().toArray();
        if (v instanceof long[] a) return a.clone();
        if (v instanceof float[] a) {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) d[i] = a[i];
            return d;
        }
        if (v instanceof double[] a) return a.clone();
        throw new IllegalArgumentException("unsupported attribute value " + v);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Object get(String name) {
        return values.get(name);
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attributes a) || a.values.size() != values.size()) return false;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (!valueEquals(e.getValue(), a.values.get(e.getKey()))) return false;
        }
        return true;
    }

    private static boolean valueEquals(Object x, Object y) {
        if (x instanceof long[] a && y instanceof long[] b) return Arrays.equals(a, b);
        if (x instanceof double[] a && y instanceof double[] b) return Arrays.equals(a, b);
        if (x instanceof Tensor a && y instanceof Tensor b) return a.contentEquals(b);
        return x != null && x.equals(y);
    }

    @Override
    public int hashCode() {
        return values.keySet().hashCode();
    }

    /** Renders a value as the text dump shows it. */
    public static String format(Object v) {
        if (v instanceof long[] a) return Arrays.toString(a).replace(" ", "");
        if (v instanceof double[] a) return Arrays.toString(a).replace(" ", "");
        if (v instanceof String s) return '"' + s + '"';
        if (v instanceof Double d) return formatDouble(d);
        return String.valueOf(v);
    }

    private static String formatDouble(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf((long) d) + ".0";
        return Double.toString(d);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (b.length() > 0) b.append(", ");
            b.append(e.getKey()).append('=').append(format(e.getValue()));
        }
        return b.toString();
    }
}
