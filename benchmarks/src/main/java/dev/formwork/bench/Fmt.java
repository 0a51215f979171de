package dev.formwork.bench;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** How cells are written in BENCHMARKS.md. MB is 10^6 bytes throughout. */
public final class Fmt {
    public static final double MB = 1e6;

    private Fmt() {}

    /** Strings as they are, numbers through {@link #num}, null as "n/a". */
    public static String text(Object o) {
        if (o == null) return "n/a";
        if (o instanceof Double d) return num(d);
        if (o instanceof Float f) return num(f);
        if (o instanceof Stats s) return num(s.median()) + " (" + num(s.min()) + "–" + num(s.max()) + ")";
        return o.toString().replace("|", "\\|");
    }

    /** Three significant figures, at most two decimals, thousands separated. */
    public static String num(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "n/a";
        double a = Math.abs(d);
        String pattern = a >= 100 ? "%,.0f" : a >= 10 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, pattern, d);
    }

    /** A column format that reads one figure of a {@link Stats} cell. */
    public static Function<Object, String> stat(ToDoubleFunction<Stats> which) {
        return o -> o instanceof Stats s ? num(which.applyAsDouble(s)) : text(o);
    }

    public static Function<Object, String> median() {
        return stat(Stats::median);
    }

    public static Function<Object, String> min() {
        return stat(Stats::min);
    }

    public static Function<Object, String> max() {
        return stat(Stats::max);
    }

    /** Bytes as MB. */
    public static String mb(Object o) {
        return o instanceof Number n ? num(n.doubleValue() / MB) : text(o);
    }

    /** A ratio as "2.41x". */
    public static String ratio(Object o) {
        return o instanceof Number n ? num(n.doubleValue()) + "x" : text(o);
    }

    /** A fraction as a percentage. */
    public static String percent(Object o) {
        return o instanceof Number n ? String.format(Locale.ROOT, "%.0f%%", 100 * n.doubleValue()) : text(o);
    }
}
