package dev.formwork.exporters.coreml.mil;

import dev.formwork.exporters.coreml.CoreMlSettings;
import dev.formwork.ir.Node;

/**
 * Writes one IR op as MIL ops. {@link #check} runs before anything is written and refuses what
 * the lowering cannot express, naming the node.
 */
@FunctionalInterface
public interface MilLowering {
    void lower(Node node, MilContext ctx);

    default void check(Node node, CoreMlSettings settings) {}

    /** A lowering with a check. */
    static MilLowering of(MilLowering lower, java.util.function.BiConsumer<Node, CoreMlSettings> check) {
        return new MilLowering() {
            @Override
            public void lower(Node node, MilContext ctx) {
                lower.lower(node, ctx);
            }

            @Override
            public void check(Node node, CoreMlSettings settings) {
                check.accept(node, settings);
            }
        };
    }
}
