package dev.formwork.exporters.onnx.lower;

import dev.formwork.ir.Node;

/** Lowers one IR node to ONNX nodes and initializers through {@link Emit}. */
@FunctionalInterface
public interface OpWriter {
    void write(Node node, Emit e);
}
