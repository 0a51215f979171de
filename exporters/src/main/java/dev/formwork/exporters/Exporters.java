package dev.formwork.exporters;

import dev.formwork.ir.FormworkException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The exporters Formwork ships, by target name. */
public final class Exporters {
    private static final Map<String, Exporter> BY_TARGET = new LinkedHashMap<>();

    static {
        // One line per format; the order is the order of `--target all` and of --help.
        add(new dev.formwork.exporters.onnx.OnnxExporter());
        add(new dev.formwork.exporters.tflite.TfliteExporter());
        add(new dev.formwork.exporters.coreml.MlProgramExporter());
        add(new dev.formwork.exporters.coreml.NeuralNetworkExporter());
        add(new dev.formwork.exporters.savedmodel.SavedModelExporter());
    }

    private Exporters() {}

    private static void add(Exporter e) {
        BY_TARGET.put(e.target(), e);
    }

    public static Exporter forTarget(String target) {
        Exporter e = BY_TARGET.get(target);
        if (e == null) {
            throw new FormworkException("unknown target '" + target + "' (known: " + String.join(", ", targets()) + ")");
        }
        return e;
    }

    public static List<String> targets() {
        return List.copyOf(BY_TARGET.keySet());
    }
}
