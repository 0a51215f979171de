package dev.formwork.cli.release;

import dev.formwork.exporters.Exporters;
import dev.formwork.ir.FormworkException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The targets a release can name, each with the release-file keys {@code convert} has for it and
 * their defaults. Defaults are filled in before a job id is derived, so writing a default out
 * or leaving it away gives the same job.
 */
final class ReleaseTargets {
    /** One target: its default precision and its options (release key -> default value). */
    record Target(String name, String defaultPrecision, Map<String, Object> options) {}

    /** Options every target takes besides {@code target} and {@code precision}. */
    static final Map<String, Object> COMMON = Map.of("passes", "default");

    private static final Map<String, Target> BY_NAME = new LinkedHashMap<>();

    static {
        // One line per target; the exporter with the same name must exist.
        add(new Target("onnx", "fp32", Map.of("opset", 17, "gelu", "exact")));
        add(new Target("tflite", "fp32", Map.of("tflite_input", "nhwc", "gelu", "exact")));
        add(new Target("coreml", "fp16", Map.of("min_ios", 16, "coreml_input", "array", "gelu", "exact")));
        add(new Target("coreml-nn", "fp32", Map.of("min_ios", 16, "coreml_input", "array", "gelu", "exact")));
        add(new Target("savedmodel", "fp32", Map.of("tf_input", "nhwc", "gelu", "exact")));
    }

    private ReleaseTargets() {}

    private static void add(Target t) {
        BY_NAME.put(t.name(), t);
    }

    static List<String> names() {
        return BY_NAME.keySet().stream().filter(n -> Exporters.targets().contains(n)).toList();
    }

    static Target get(String name, String where) {
        Target t = BY_NAME.get(name);
        if (t == null || !Exporters.targets().contains(name)) {
            throw new FormworkException(where + ": unknown target '" + name + "' (known: " + String.join(", ", names()) + ")");
        }
        return t;
    }

    /** The {@code convert} flag for a release-file option key: {@code min_ios} -> {@code --min-ios}. */
    static String flag(String key) {
        return "--" + key.replace('_', '-');
    }
}
