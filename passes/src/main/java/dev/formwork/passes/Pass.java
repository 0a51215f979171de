package dev.formwork.passes;

import dev.formwork.ir.Graph;
import java.util.List;

/**
 * One graph rewrite. A pass matches a pattern, checks its preconditions and builds the
 * replacement in place; it reports what it changed. Every pass in this package is correct on any
 * verified graph: {@link #requires} names what should run earlier for the pass to find its
 * matches, not what it needs to be safe.
 */
public interface Pass {
    /** Pipeline name, e.g. {@code fold-conv-bn}. */
    String name();

    /** One line: what the pass rewrites. */
    String purpose();

    /** True when a second run on its own output changes nothing. */
    boolean idempotent();

    /**
     * Passes that should run before this one (names from the registry) or properties of the
     * graph it expects; the manager logs a warning when a named pass did not run earlier.
     */
    default List<String> requires() {
        return List.of();
    }

    /**
     * True when the rewrite preserves the outputs up to float32 rounding. Only approximations the
     * user asked for (lower-gelu with {@code --gelu tanh|sigmoid}) break this.
     */
    default boolean exact() {
        return true;
    }

    /**
     * True when {@code profile} cannot take the graph without this pass (it removes an op or a
     * form the target lacks), so it runs even under {@code --passes none}.
     */
    default boolean legalizes(TargetProfile profile, String gelu) {
        return false;
    }

    PassResult run(Graph graph, PassContext ctx);
}
