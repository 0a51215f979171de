package dev.formwork.cli.release;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One line saying why an artifact failed: which check, and by how much. */
final class Failures {
    private Failures() {}

    @SuppressWarnings("unchecked")
    static String describe(Map<String, Object> artifact) {
        List<String> why = new ArrayList<>();
        Map<String, Object> v = (Map<String, Object>) artifact.get("verification");
        if (v == null) why.add("not verified");
        else if (!Boolean.TRUE.equals(v.get("passed"))) why.add(String.format(Locale.ROOT, "verification max abs %.3e (%s)", v.get("max_abs"), v.get("rule")));
        List<Object> golden = (List<Object>) artifact.getOrDefault("golden", List.of());
        for (Object o : golden) {
            Map<String, Object> g = (Map<String, Object>) o;
            if (Boolean.TRUE.equals(g.get("passed"))) continue;
            if (g.get("error") != null) why.add("golden " + g.get("expected") + ": " + g.get("error"));
            else if (g.get("atol") != null) why.add(String.format(Locale.ROOT, "golden %s: max abs %.3e > atol %.1e", g.get("expected"), g.get("max_abs"), g.get("atol")));
            else why.add(String.format(Locale.ROOT, "golden %s: cosine %.6f, top-1 %s/%s (%s)", g.get("expected"), g.get("cosine"),
                    g.get("top1_agree"), g.get("rows"), g.get("rule")));
        }
        return String.join("; ", why);
    }
}
