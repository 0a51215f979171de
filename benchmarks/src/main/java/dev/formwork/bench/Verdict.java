package dev.formwork.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A measured figure against its target, e.g. "wall/floor 2.41x (target <= 3x): met".
 *
 * @param what the figure's name in the cell ("wall/floor")
 * @param value the measured value
 * @param limit the largest value that meets the target
 * @param unit appended to value and limit ("x", " ms", " MB")
 */
public record Verdict(String what, double value, double limit, String unit) {
    public boolean met() {
        return value <= limit;
    }

    @Override
    public String toString() {
        return (what.isEmpty() ? "" : what + " ") + Fmt.num(value) + unit + " (target <= " + Fmt.num(limit) + unit + "): " + (met() ? "met" : "**missed**");
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("what", what);
        m.put("value", value);
        m.put("limit", limit);
        m.put("unit", unit.trim());
        m.put("met", met());
        return m;
    }
}
