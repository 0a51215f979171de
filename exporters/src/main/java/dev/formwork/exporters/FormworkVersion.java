package dev.formwork.exporters;

/**
 * The one place Formwork's version is written down. Exporters stamp it into artifacts
 * (ONNX producer_version, metadata) so a file says which converter made it; keep it equal to the
 * Maven project version.
 */
public final class FormworkVersion {
    public static final String VERSION = "0.1.0";

    private FormworkVersion() {}
}
