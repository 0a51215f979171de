package dev.formwork.exporters.savedmodel;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Node;

/** Writes one IR op as TensorFlow nodes. One small file per op family; {@link Writers} is the table. */
interface OpWriter {
    /** Refuses (FormworkException naming the node) what this writer cannot write; runs before anything is written. */
    default void check(Node n, ExportOptions options) {}

    void write(Node n, TfGraph g);
}
