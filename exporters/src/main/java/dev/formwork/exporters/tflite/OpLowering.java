package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;

/** Writes one IR op as TFLite operators. One small class per op family; {@link Lowerings} is the table. */
interface OpLowering {
    /** Refuses (FormworkException naming the node) what this lowering cannot write; runs before anything is written. */
    default void check(Node n, ExportOptions options) {}

    void lower(Node n, LoweringContext cx);
}
