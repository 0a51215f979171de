package dev.formwork.cli;

import dev.formwork.ir.Graph;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.PassReport;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import java.util.List;

/**
 * Runs the selected pipeline for one target profile on a copy of the loaded graph (copies share
 * the weight tensors; only rewritten weights are new). {@code --passes none} still runs the
 * target's legalization passes.
 */
final class PassStep {
    /** The rewritten graph, the pass list that ran and the manager's report. */
    record Result(Graph graph, List<String> pipeline, PassReport report) {
        Object toJson() {
            return report.toMap();
        }
    }

    private final String selection;
    private final String gelu;
    private final long seed;

    PassStep(String selection, String gelu, long seed) {
        this.selection = selection;
        this.gelu = gelu;
        this.seed = seed;
        Pipelines.parse(selection); // refuse unknown pass names before any work
    }

    /** On a copy of {@code loaded}, which stays as it was. */
    Result run(Graph loaded, TargetProfile profile, boolean certify) {
        return runInPlace(loaded.copy(), profile, certify);
    }

    /** On {@code g} itself (a graph the caller owns and will not reuse), without certificates. */
    Result runInPlace(Graph g, TargetProfile profile) {
        return runInPlace(g, profile, false);
    }

    private Result runInPlace(Graph g, TargetProfile profile, boolean certify) {
        List<String> pipeline = Pipelines.forTarget(selection, profile, gelu);
        PassContext ctx = PassContext.of(profile).withGelu(gelu).withSeed(seed);
        PassReport report = new PassManager().run(g, pipeline, ctx, certify);
        return new Result(g, pipeline, report);
    }
}
