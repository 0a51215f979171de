package dev.formwork.cli.release;

import dev.formwork.cli.Main;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code release diff NEW OLD}: artifacts added, removed and changed between two manifests, each
 * change with its size, hash, op-count and golden-error deltas and its cause, read from what the
 * manifests record the job was built from (weights, options, Formwork version, model source,
 * golden data).
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Lists artifacts added, removed and changed between two release manifests, and why each changed.",
            "Exit 0 when nothing changed, 1 when something did."})
final class ReleaseDiff implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NEW", description = "The new release-manifest.json.")
    Path newer;

    @Parameters(index = "1", paramLabel = "OLD", description = "The previous release-manifest.json.")
    Path older;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, Map<String, Object>> now = byJob(newer), before = byJob(older);
        PrintWriter out = spec.commandLine().getOut();
        int added = 0, removed = 0, changed = 0, same = 0;
        TreeSet<String> jobs = new TreeSet<>(now.keySet());
        jobs.addAll(before.keySet());
        for (String job : jobs) {
            Map<String, Object> n = now.get(job), o = before.get(job);
            if (o == null) {
                out.println("added    " + n.get("path") + "  " + bytes(n) + " bytes");
                added++;
            } else if (n == null) {
                out.println("removed  " + o.get("path"));
                removed++;
            } else if (!Objects.equals(n.get("sha256"), o.get("sha256"))) {
                changed++;
                out.println("changed  " + n.get("path") + "  cause: " + String.join(", ", causes(n, o)));
                out.printf(Locale.ROOT, "         bytes %,d -> %,d (%+,d)  sha256 %s -> %s%n", bytes(o), bytes(n), bytes(n) - bytes(o),
                        shortHash(o), shortHash(n));
                String ops = opDelta(n, o);
                if (!ops.isEmpty()) out.println("         ops " + ops);
                for (String g : goldenDelta(n, o)) out.println("         golden " + g);
            } else {
                same++;
                if (!Objects.equals(n.get("job_id"), o.get("job_id"))) {
                    out.println("rebuilt  " + n.get("path") + "  identical bytes, inputs changed: " + String.join(", ", causes(n, o)));
                }
            }
        }
        out.printf("%d added, %d removed, %d changed, %d unchanged%n", added, removed, changed, same);
        out.flush();
        return added + removed + changed == 0 ? Main.OK : Main.MISMATCH;
    }

    /** Which recorded inputs differ; a changed artifact with identical inputs is named as such. */
    @SuppressWarnings("unchecked")
    static List<String> causes(Map<String, Object> n, Map<String, Object> o) {
        List<String> c = new ArrayList<>();
        Map<String, Object> ns = (Map<String, Object>) n.getOrDefault("source", Map.of());
        Map<String, Object> os = (Map<String, Object>) o.getOrDefault("source", Map.of());
        if (!Objects.equals(n.get("weights_sha256"), o.get("weights_sha256")) || !Objects.equals(ns.get("seed"), os.get("seed"))) c.add("weights");
        if (!Objects.equals(n.get("options"), o.get("options")) || !Objects.equals(ns.get("batch"), os.get("batch"))
                || !Objects.equals(ns.get("image_size"), os.get("image_size")) || !Objects.equals(ns.get("labels_sha256"), os.get("labels_sha256"))) {
            c.add("options");
        }
        if (!Objects.equals(n.get("formwork_version"), o.get("formwork_version"))) c.add("Formwork version");
        if (!Objects.equals(ns.get("model"), os.get("model")) || !Objects.equals(ns.get("model_sha256"), os.get("model_sha256"))) c.add("model");
        if (!Objects.equals(ns.get("golden"), os.get("golden"))) c.add("golden data");
        if (c.isEmpty()) c.add("none recorded (same inputs, different bytes)");
        return c;
    }

    @SuppressWarnings("unchecked")
    private static String opDelta(Map<String, Object> n, Map<String, Object> o) {
        Map<String, Object> no = (Map<String, Object>) n.getOrDefault("ops", Map.of()), oo = (Map<String, Object>) o.getOrDefault("ops", Map.of());
        TreeSet<String> ops = new TreeSet<>(no.keySet());
        ops.addAll(oo.keySet());
        List<String> d = new ArrayList<>();
        for (String op : ops) {
            long a = count(oo.get(op)), b = count(no.get(op));
            if (a != b) d.add(String.format(Locale.ROOT, "%s %d -> %d", op, a, b));
        }
        return String.join(", ", d);
    }

    @SuppressWarnings("unchecked")
    private static List<String> goldenDelta(Map<String, Object> n, Map<String, Object> o) {
        List<Object> ng = (List<Object>) n.getOrDefault("golden", List.of()), og = (List<Object>) o.getOrDefault("golden", List.of());
        List<String> d = new ArrayList<>();
        for (int i = 0; i < Math.max(ng.size(), og.size()); i++) {
            Map<String, Object> a = i < og.size() ? (Map<String, Object>) og.get(i) : Map.of();
            Map<String, Object> b = i < ng.size() ? (Map<String, Object>) ng.get(i) : Map.of();
            d.add(String.format(Locale.ROOT, "%s: max abs %s -> %s, cosine %s -> %s", b.getOrDefault("expected", a.get("expected")),
                    num(a.get("max_abs")), num(b.get("max_abs")), num(a.get("cosine")), num(b.get("cosine"))));
        }
        return d;
    }

    private static Map<String, Map<String, Object>> byJob(Path file) {
        Map<String, Object> m = CanonicalJson.read(file, "release manifest");
        Map<String, Map<String, Object>> by = new TreeMap<>();
        for (Map<String, Object> a : Manifest.artifacts(m, file)) by.put((String) a.get("job"), a);
        return by;
    }

    private static long bytes(Map<String, Object> a) {
        return count(a.get("bytes"));
    }

    private static long count(Object o) {
        return o instanceof Number x ? x.longValue() : 0;
    }

    private static String num(Object o) {
        return o instanceof Number x ? String.format(Locale.ROOT, "%.3e", x.doubleValue()) : "-";
    }

    private static String shortHash(Map<String, Object> a) {
        String s = String.valueOf(a.get("sha256"));
        return s.length() > 12 ? s.substring(0, 12) : s;
    }
}
