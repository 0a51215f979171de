package dev.formwork.exporters.coreml.nn;

import dev.formwork.exporters.coreml.CoreMlSettings;
import dev.formwork.ir.Node;

/** Writes one IR op as NeuralNetwork layers; {@link #check} refuses what it cannot express. */
@FunctionalInterface
public interface NnLowering {
    void lower(Node node, NnContext ctx);

    default void check(Node node, CoreMlSettings settings) {}

    static NnLowering of(NnLowering lower, java.util.function.BiConsumer<Node, CoreMlSettings> check) {
        return new NnLowering() {
            @Override
            public void lower(Node node, NnContext ctx) {
                lower.lower(node, ctx);
            }

            @Override
            public void check(Node node, CoreMlSettings settings) {
                check.accept(node, settings);
            }
        };
    }
}
