package dev.formwork.cli.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A release file, read and checked completely before any job starts: unknown fields, wrong
 * types, missing files and a weights file whose sha256 differs from the declared one are
 * refused with the field's path ({@code models[1].weights_sha256}). Paths are relative to the
 * release file.
 */
record ReleaseFile(Path file, String sha256, String name, String version, List<Model> models, List<Target> targets) {
    /** A golden pair: the input fed to the artifact and the output it must reproduce. */
    record Golden(String input, String expected, double atol, Path inputPath, Path expectedPath,
                  String inputSha256, String expectedSha256) {}

    /**
     * One model entry. {@code weightsSha256} is the file's real hash (null for random weights),
     * {@code sourceSha256} the hash of a config or .onnx file (null for zoo names).
     */
    record Model(String name, String model, String modelArg, String sourceSha256, String weights, Path weightsPath,
                 String weightsSha256, Long seed, int batch, Integer imageSize, String labels, Path labelsPath,
                 String labelsSha256, List<Golden> golden) {}

    /** One target entry, every option present (defaults filled in). */
    record Target(String target, String precision, Map<String, Object> options) {}

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> TOP = Set.of("name", "version", "models", "targets");
    private static final Set<String> MODEL = Set.of("name", "model", "weights", "weights_sha256", "batch", "image_size",
            "seed", "labels", "golden");
    private static final Set<String> GOLDEN = Set.of("input", "expected", "atol");

    static ReleaseFile read(Path file) {
        if (!Files.isRegularFile(file)) throw new FormworkException(file + ": release file not found");
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new FormworkException(file + ": not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (root == null || !root.isObject()) throw new FormworkException(file + ": expected a JSON object");
        Path base = file.toAbsolutePath().getParent();
        Fields top = new Fields(file, "", root, TOP);
        String name = top.requiredSafeName("name");
        String version = top.requiredString("version");
        List<Model> models = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonNode ms = top.requiredArray("models");
        if (ms.isEmpty()) throw top.bad("models", "empty (a release needs at least one model)");
        for (int i = 0; i < ms.size(); i++) {
            Model m = model(file, base, "models[" + i + "]", ms.get(i));
            if (!names.add(m.name())) throw new FormworkException(file + ": models[" + i + "].name: '" + m.name() + "' appears twice");
            models.add(m);
        }
        List<Target> targets = new ArrayList<>();
        Set<String> kinds = new HashSet<>();
        JsonNode ts = top.requiredArray("targets");
        if (ts.isEmpty()) throw top.bad("targets", "empty (a release needs at least one target)");
        for (int i = 0; i < ts.size(); i++) {
            Target t = target(file, "targets[" + i + "]", ts.get(i));
            if (!kinds.add(t.target() + "-" + t.precision())) {
                throw new FormworkException(file + ": targets[" + i + "]: " + t.target() + " " + t.precision() + " appears twice");
            }
            targets.add(t);
        }
        return new ReleaseFile(file, SafetensorsFile.sha256(file), name, version, models, targets);
    }

    private static Model model(Path file, Path base, String where, JsonNode node) {
        Fields f = new Fields(file, where, node, MODEL);
        String name = f.requiredSafeName("name");
        String model = f.requiredString("model");
        String lower = model.toLowerCase(Locale.ROOT);
        String modelArg = model;
        String sourceSha = null;
        if (lower.endsWith(".json") || lower.endsWith(".onnx")) {
            Path p = f.existingFile(base, "model", model);
            modelArg = p.toString();
            sourceSha = SafetensorsFile.sha256(p);
        } else if (!Models.zooNames().contains(model)) {
            throw f.bad("model", "unknown model '" + model + "' (a zoo name: " + String.join(", ", Models.zooNames())
                    + ", a .json config or an .onnx file)");
        }
        String weights = f.optionalString("weights");
        Path weightsPath = weights == null ? null : f.existingFile(base, "weights", weights);
        String declared = f.optionalString("weights_sha256");
        if (declared != null && weights == null) throw f.bad("weights_sha256", "given without weights");
        String weightsSha = weightsPath == null ? null : SafetensorsFile.sha256(weightsPath);
        if (declared != null && !declared.equalsIgnoreCase(weightsSha)) {
            throw f.bad("weights_sha256", "declared " + declared + " but " + weights + " has sha256 " + weightsSha);
        }
        Long seed = f.optionalLong("seed");
        if (seed != null && weights != null) throw f.bad("seed", "given with weights (the seed is for random weights)");
        if (seed == null && weights == null) seed = 0L;
        int batch = f.optionalInt("batch", 1, 1);
        Integer imageSize = node.has("image_size") ? f.optionalInt("image_size", 0, 1) : null;
        String labels = f.optionalString("labels");
        Path labelsPath = labels == null ? null : f.existingFile(base, "labels", labels);
        List<Golden> golden = new ArrayList<>();
        if (node.has("golden")) {
            JsonNode gs = f.requiredArray("golden");
            for (int i = 0; i < gs.size(); i++) {
                Fields g = new Fields(file, where + ".golden[" + i + "]", gs.get(i), GOLDEN);
                String in = g.requiredString("input"), out = g.requiredString("expected");
                Path ip = g.existingFile(base, "input", in), op = g.existingFile(base, "expected", out);
                double atol = g.optionalDouble("atol", 1e-4);
                golden.add(new Golden(in, out, atol, ip, op, SafetensorsFile.sha256(ip), SafetensorsFile.sha256(op)));
            }
        }
        return new Model(name, model, modelArg, sourceSha, weights, weightsPath, weightsSha, seed, batch, imageSize,
                labels, labelsPath, labelsPath == null ? null : SafetensorsFile.sha256(labelsPath), List.copyOf(golden));
    }

    private static Target target(Path file, String where, JsonNode node) {
        if (node == null || !node.isObject()) throw new FormworkException(file + ": " + where + ": expected an object");
        JsonNode t = node.get("target");
        if (t == null || !t.isTextual()) throw new FormworkException(file + ": " + where + ".target: missing (one of "
                + String.join(", ", ReleaseTargets.names()) + ")");
        ReleaseTargets.Target spec = ReleaseTargets.get(t.asText(), file + ": " + where + ".target");
        Set<String> allowed = new HashSet<>(spec.options().keySet());
        allowed.addAll(ReleaseTargets.COMMON.keySet());
        allowed.add("target");
        allowed.add("precision");
        Fields f = new Fields(file, where, node, allowed);
        String precision = f.optionalString("precision");
        if (precision == null) precision = spec.defaultPrecision();
        if (!precision.equals("fp32") && !precision.equals("fp16")) throw f.bad("precision", "must be fp32 or fp16, got " + precision);
        Map<String, Object> options = new TreeMap<>();
        Map<String, Object> defaults = new TreeMap<>(ReleaseTargets.COMMON);
        defaults.putAll(spec.options());
        for (Map.Entry<String, Object> d : defaults.entrySet()) {
            String key = d.getKey();
            Object value = d.getValue() instanceof Integer ? (Object) f.optionalInt(key, (Integer) d.getValue(), 0)
                    : f.optionalString(key) != null ? f.optionalString(key) : d.getValue();
            options.put(key, value);
        }
        checkValues(f, spec.name(), options);
        return new Target(spec.name(), precision, options);
    }

    /** The value checks {@code convert} makes, made here so a bad value stops the release before any job. */
    private static void checkValues(Fields f, String target, Map<String, Object> o) {
        if (o.containsKey("opset") && ((int) o.get("opset") < 13 || (int) o.get("opset") > 22)) {
            throw f.bad("opset", o.get("opset") + " is outside 13..22");
        }
        if (o.containsKey("min_ios")) {
            int min = target.equals("coreml") ? 15 : 13, v = (int) o.get("min_ios");
            if (v < min || v > 18) throw f.bad("min_ios", "must be " + min + "..18 for " + target + ", got " + v);
        }
        oneOf(f, o, "gelu", List.of("exact", "tanh", "sigmoid"));
        oneOf(f, o, "tflite_input", List.of("nhwc", "nchw"));
        oneOf(f, o, "coreml_input", List.of("array", "image"));
        oneOf(f, o, "tf_input", List.of("nhwc", "nchw"));
    }

    private static void oneOf(Fields f, Map<String, Object> o, String key, List<String> allowed) {
        if (o.containsKey(key) && !allowed.contains(o.get(key))) {
            throw f.bad(key, "must be " + String.join(", ", allowed) + ", got " + o.get(key));
        }
    }

    static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The fields of one JSON object, each read with its path for error messages. */
    static final class Fields {
        private final Path file;
        private final String where;
        private final JsonNode node;

        Fields(Path file, String where, JsonNode node, Set<String> allowed) {
            this.file = file;
            this.where = where;
            this.node = node;
            if (node == null || !node.isObject()) throw new FormworkException(file + ": " + (where.isEmpty() ? "" : where + ": ") + "expected an object");
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    throw bad(k, "unknown field (known here: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
        }

        FormworkException bad(String key, String problem) {
            return new FormworkException(file + ": " + (where.isEmpty() ? key : where + "." + key) + ": " + problem);
        }

        String requiredString(String key) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) throw bad(key, "missing");
            if (!v.isTextual() || v.asText().isBlank()) throw bad(key, "expected a non-empty string");
            return v.asText();
        }

        String requiredSafeName(String key) {
            String s = requiredString(key);
            if (!s.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) throw bad(key, "'" + s + "' must be letters, digits, '.', '_' or '-' (it names files)");
            return s;
        }

        String optionalString(String key) {
            return node.has(key) ? requiredString(key) : null;
        }

        JsonNode requiredArray(String key) {
            JsonNode v = node.get(key);
            if (v == null) throw bad(key, "missing");
            if (!v.isArray()) throw bad(key, "expected an array");
            return v;
        }

        int optionalInt(String key, int fallback, int min) {
            JsonNode v = node.get(key);
            if (v == null) return fallback;
            if (!v.isInt()) throw bad(key, "expected an integer");
            if (v.asInt() < min) throw bad(key, "must be at least " + min + ", got " + v.asInt());
            return v.asInt();
        }

        Long optionalLong(String key) {
            JsonNode v = node.get(key);
            if (v == null) return null;
            if (!v.isIntegralNumber()) throw bad(key, "expected an integer");
            return v.asLong();
        }

        double optionalDouble(String key, double fallback) {
            JsonNode v = node.get(key);
            if (v == null) return fallback;
            if (!v.isNumber() || !(v.asDouble() >= 0)) throw bad(key, "expected a number >= 0");
            return v.asDouble();
        }

        Path existingFile(Path base, String key, String relative) {
            Path p = base.resolve(relative).normalize();
            if (!Files.isRegularFile(p)) throw bad(key, relative + " not found (relative to the release file)");
            return p;
        }
    }
}
