package dev.formwork.cli;

import dev.formwork.ir.Graph;
import dev.formwork.passes.TargetProfile;
import java.util.List;
import java.util.Map;

/** Runs the selected pass pipeline for one target profile on a copy of the loaded graph. */
final class PassStep {
    /** The rewritten graph and the per-pass record. */
    record Result(Graph graph, List<Map<String, Object>> records) {
        Object toJson() {
            return records;
        }
    }

    private final String selection;
    private final boolean check;
    private final String gelu;

    PassStep(String selection, boolean check, String gelu) {
        this.selection = selection;
        this.check = check;
        this.gelu = gelu;
    }

    Result run(Graph g, TargetProfile profile) {
        return new Result(g.copy(), List.of());
    }
}
