package dev.formwork.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counted samples of one measurement (warm-up runs are never in here) with their median,
 * min and max. The median of an even count is the mean of the two middle samples.
 */
public record Stats(double[] samples) {
    public Stats {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        samples = samples.clone();
    }

    public static Stats of(List<Double> xs) {
        return new Stats(xs.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public int n() {
        return samples.length;
    }

    public double median() {
        double[] s = sorted();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    public double min() {
        return sorted()[0];
    }

    public double max() {
        double[] s = sorted();
        return s[s.length - 1];
    }

    private double[] sorted() {
        double[] s = samples.clone();
        Arrays.sort(s);
        return s;
    }

    /** Every sample mapped through {@code f} (e.g. milliseconds to GFLOP/s); order is kept. */
    public Stats map(java.util.function.DoubleUnaryOperator f) {
        return new Stats(Arrays.stream(samples).map(f).toArray());
    }

    /** {@code {"median":..,"min":..,"max":..,"n":..,"samples":[..]}} for the JSON file. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", median());
        m.put("min", min());
        m.put("max", max());
        m.put("n", n());
        List<Double> l = new ArrayList<>();
        for (double d : samples) l.add(d);
        m.put("samples", l);
        return m;
    }
}
