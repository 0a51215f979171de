package dev.formwork.cli.release;

import dev.formwork.cli.Main;
import dev.formwork.testing.TestData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Release files over the golden cases, and the CLI run in-process. */
final class Releases {
    record Outcome(int exit, String out, String err) {}

    private Releases() {}

    static Outcome run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Outcome(code, out.toString(), err.toString());
    }

    /** A model entry for a golden case with its weights and its golden pair (paths absolute). */
    static Map<String, Object> goldenModel(String name, String goldenCase, int batch, double atol) {
        Path c = TestData.golden(goldenCase);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("model", c.resolve("config.json").toString());
        m.put("weights", c.resolve("weights.safetensors").toString());
        m.put("batch", batch);
        m.put("golden", List.of(Map.of("input", c.resolve("input.npy").toString(), "expected", c.resolve("expected.npy").toString(),
                "atol", atol)));
        return m;
    }

    static Path write(Path dir, String file, List<Map<String, Object>> models, List<Map<String, Object>> targets) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", "demo-app");
        r.put("version", "1.4.0");
        r.put("models", models);
        r.put("targets", targets);
        Path p = dir.resolve(file);
        Files.write(p, CanonicalJson.bytes(r));
        return p;
    }

    static List<Map<String, Object>> targets(String... specs) {
        List<Map<String, Object>> t = new ArrayList<>();
        for (String s : specs) {
            String[] p = s.split(":");
            t.add(p.length == 1 ? Map.of("target", p[0]) : Map.of("target", p[0], "precision", p[1]));
        }
        return t;
    }

    /** Every file under {@code dir}, relative path -> bytes (the whole output of a release). */
    static Map<String, byte[]> tree(Path dir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) files.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return files;
    }
}
