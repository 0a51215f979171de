package dev.formwork.passes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pipeline did: per pass, the result, the op histograms before and after, the numeric
 * certificate (max abs output error relative to max|output| against the graph before the pass,
 * on the seeded verification input; null when passes were not checked) and wall time; plus the
 * whole pipeline's histograms and total time.
 */
public record PassReport(List<Entry> passes, Map<String, Integer> histogramBefore, Map<String, Integer> histogramAfter,
                         int nodesBefore, int nodesAfter, long totalNanos, boolean checked) {

    /**
     * @param name pass name
     * @param result what the pass changed
     * @param before op histogram before the pass
     * @param after op histogram after the pass
     * @param certificate max |after - before| / max |before| over the outputs, or null when unchecked
     * @param nanos wall time of the pass itself (rewrite + verifier)
     * @param checkNanos wall time spent certifying it (interpreter runs)
     */
    public record Entry(String name, PassResult result, Map<String, Integer> before, Map<String, Integer> after,
                        Double certificate, long nanos, long checkNanos) {}

    public PassReport {
        passes = List.copyOf(passes);
    }

    /** Names of the passes that ran, in order. */
    public List<String> applied() {
        return passes.stream().map(Entry::name).toList();
    }

    /** The largest certificate among exact passes (approximations report their own error), or null. */
    public Double maxCertificate() {
        Double m = null;
        for (Entry e : passes) {
            if (e.certificate() == null || e.result().approximation() != null) continue;
            m = m == null ? e.certificate() : Math.max(m, e.certificate());
        }
        return m;
    }

    public Entry entry(String name) {
        for (Entry e : passes) if (e.name().equals(name)) return e;
        return null;
    }

    /** Plain maps and lists (JSON-ready for the CLI's --report). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        for (Entry e : passes) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", e.name());
            p.put("changed", e.result().changed());
            p.put("rewrites", e.result().rewrites());
            p.put("removed", e.result().removed());
            p.put("added", e.result().added());
            p.put("message", e.result().message());
            p.put("ops_before", e.before());
            p.put("ops_after", e.after());
            p.put("certificate", e.certificate());
            if (e.result().approximation() != null) {
                p.put("approximation_max_abs", e.result().approximation().maxAbs());
                p.put("approximation_relative", e.result().approximation().relativeToScale());
            }
            p.put("millis", e.nanos() / 1e6);
            if (checked) p.put("check_millis", e.checkNanos() / 1e6);
            list.add(p);
        }
        m.put("passes", list);
        m.put("nodes_before", nodesBefore);
        m.put("nodes_after", nodesAfter);
        m.put("ops_before", histogramBefore);
        m.put("ops_after", histogramAfter);
        m.put("total_millis", totalNanos / 1e6);
        return m;
    }

    /** A human-readable table, one line per pass. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        for (Entry e : passes) {
            b.append(String.format("%-22s %7.1f ms  %s", e.name(), e.nanos() / 1e6, e.result().summary()));
            if (e.certificate() != null) b.append(String.format("  [certificate %.2e]", e.certificate()));
            b.append('\n');
        }
        b.append(String.format("nodes %d -> %d in %.1f ms%n", nodesBefore, nodesAfter, totalNanos / 1e6));
        return b.toString();
    }
}
