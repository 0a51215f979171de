package dev.formwork.exporters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a user can ask of an export, for every target; each exporter reads what concerns it.
 * Immutable; the {@code with...} methods return changed copies.
 */
public final class ExportOptions {
    public enum Precision { FP32, FP16 }

    private String name = "model";
    private Precision precision = Precision.FP32;
    private boolean precisionExplicit;
    private int onnxOpset = 17;
    private String gelu; // null: the target's default (exact, native where available)
    private String tfliteInput = "nhwc";
    private String tfInput = "nhwc";
    private int coremlMinIos = 16;
    private String coremlInput = "array";
    private List<String> labels;
    private Map<String, String> metadata = new LinkedHashMap<>();

    public ExportOptions() {}

    private ExportOptions copy() {
        ExportOptions o = new ExportOptions();
        o.name = name;
        o.precision = precision;
        o.precisionExplicit = precisionExplicit;
        o.onnxOpset = onnxOpset;
        o.gelu = gelu;
        o.tfliteInput = tfliteInput;
        o.tfInput = tfInput;
        o.coremlMinIos = coremlMinIos;
        o.coremlInput = coremlInput;
        o.labels = labels;
        o.metadata = new LinkedHashMap<>(metadata);
        return o;
    }

    /** Artifact base name (file stem). */
    public String name() {
        return name;
    }

    public ExportOptions withName(String v) {
        ExportOptions o = copy();
        o.name = v;
        return o;
    }

    public Precision precision() {
        return precision;
    }

    /** True when the user chose the precision (Core ML ML Program defaults to fp16 otherwise). */
    public boolean precisionExplicit() {
        return precisionExplicit;
    }

    public ExportOptions withPrecision(Precision v, boolean explicit) {
        ExportOptions o = copy();
        o.precision = v;
        o.precisionExplicit = explicit;
        return o;
    }

    /** ONNX opset, 13..22. */
    public int onnxOpset() {
        return onnxOpset;
    }

    public ExportOptions withOnnxOpset(int v) {
        ExportOptions o = copy();
        o.onnxOpset = v;
        return o;
    }

    /** Requested GELU form: null (exact, the default), "exact", "tanh" or "sigmoid". */
    public String gelu() {
        return gelu;
    }

    public ExportOptions withGelu(String v) {
        ExportOptions o = copy();
        o.gelu = v;
        return o;
    }

    /** TFLite interface layout: "nhwc" (default) or "nchw". */
    public String tfliteInput() {
        return tfliteInput;
    }

    public ExportOptions withTfliteInput(String v) {
        ExportOptions o = copy();
        o.tfliteInput = v;
        return o;
    }

    /** SavedModel interface layout: "nhwc" (default) or "nchw". */
    public String tfInput() {
        return tfInput;
    }

    public ExportOptions withTfInput(String v) {
        ExportOptions o = copy();
        o.tfInput = v;
        return o;
    }

    /** Core ML deployment target: 15, 16, 17 or 18. */
    public int coremlMinIos() {
        return coremlMinIos;
    }

    public ExportOptions withCoremlMinIos(int v) {
        ExportOptions o = copy();
        o.coremlMinIos = v;
        return o;
    }

    /** Core ML input kind: "array" (MultiArray, default) or "image". */
    public String coremlInput() {
        return coremlInput;
    }

    public ExportOptions withCoremlInput(String v) {
        ExportOptions o = copy();
        o.coremlInput = v;
        return o;
    }

    /** Class labels (one per output class), or null. */
    public List<String> labels() {
        return labels;
    }

    public ExportOptions withLabels(List<String> v) {
        ExportOptions o = copy();
        o.labels = v == null ? null : List.copyOf(v);
        return o;
    }

    /**
     * Provenance and description written into artifacts, in insertion order. Known keys:
     * model, weights_sha256, input_mean, input_std, formwork_version, description, author,
     * license, version.
     */
    public Map<String, String> metadata() {
        return java.util.Collections.unmodifiableMap(metadata);
    }

    public ExportOptions withMetadata(String key, String value) {
        ExportOptions o = copy();
        if (value == null) o.metadata.remove(key);
        else o.metadata.put(key, value);
        return o;
    }
}
