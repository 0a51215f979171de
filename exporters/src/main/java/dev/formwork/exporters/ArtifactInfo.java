package dev.formwork.exporters;

import dev.formwork.ir.DType;
import dev.formwork.ir.Shape;
import java.util.List;
import java.util.Map;

/**
 * What {@code inspect} reports about a written artifact, read back from the file itself.
 *
 * @param format e.g. {@code onnx}, {@code tflite}, {@code coreml-mlprogram}, {@code coreml-neuralnetwork}
 * @param params number of stored weight elements
 * @param macs multiply-accumulates of one forward pass, when the reader can tell (else -1)
 * @param ops op type (as the format names it) -> count, sorted by name
 * @param inputs declared inputs
 * @param outputs declared outputs
 * @param details format-specific extras (opset, spec version, metadata), in a stable order
 */
public record ArtifactInfo(String format, long params, long macs, Map<String, Integer> ops, List<Io> inputs,
                           List<Io> outputs, Map<String, String> details) {
    /** One declared input or output. */
    public record Io(String name, DType dtype, Shape shape) {}
}
