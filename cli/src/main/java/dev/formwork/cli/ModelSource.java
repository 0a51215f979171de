package dev.formwork.cli;

import dev.formwork.ir.Graph;
import java.util.function.Supplier;

/**
 * The loaded model's graph, handed out once and then rebuilt on demand. Conversion keeps no
 * graph longer than one target needs it: the loaded graph's weights are views of the mapped
 * checkpoint, and a rewritten copy per target on top of them would multiply memory; rebuilding
 * from the file (or the seed) is deterministic and costs far less than it saves.
 */
final class ModelSource {
    private Graph loaded;
    private final Supplier<Graph> rebuild;

    ModelSource(Graph loaded, Supplier<Graph> rebuild) {
        this.loaded = loaded;
        this.rebuild = rebuild;
    }

    /** The graph loaded first (once), else a freshly built one. The caller owns it. */
    Graph take() {
        Graph g = loaded;
        loaded = null;
        return g != null ? g : rebuild.get();
    }
}
