package dev.formwork.passes;

import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.VerificationException;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a pipeline: each pass, then {@link GraphVerifier#verify} (a failure is a bug in the pass
 * and names it), then, with {@code checkPasses}, the pass's certificate.
 *
 * <p>The certificate compares the graph before and after the pass on one seeded gaussian input
 * ({@link PassContext#verificationInputs}) through the reference interpreter: max abs error over
 * the outputs divided by max|output| of the graph before. The "before" outputs are the previous
 * pass's "after" outputs, kept in memory, rather than a re-run of a {@code graph.copy()} taken
 * before the pass: the interpreter is deterministic, so both give the same numbers, and this way
 * a pipeline of n passes costs n + 1 forward passes instead of 2n. A pass that reports no change
 * gets certificate 0 without a run.
 */
public final class PassManager {
    private final PassRegistry registry;

    public PassManager(PassRegistry registry) {
        this.registry = registry;
    }

    public PassManager() {
        this(PassRegistry.standard());
    }

    public PassRegistry registry() {
        return registry;
    }

    /** Runs {@code pipeline} (pass names, e.g. from {@link Pipelines#forTarget}) on {@code graph} in place. */
    public PassReport run(Graph graph, List<String> pipeline, PassContext ctx, boolean checkPasses) {
        long start = System.nanoTime();
        List<Pass> passes = new ArrayList<>();
        for (String name : pipeline) passes.add(registry.get(name));
        GraphVerifier.verify(graph);
        Map<String, Integer> first = graph.opHistogram();
        int nodesBefore = graph.nodeCount();
        NdArray[] current = checkPasses ? new Interpreter(graph).run(ctx.verificationInputs(graph)) : null;
        Set<String> done = new HashSet<>();
        List<PassReport.Entry> entries = new ArrayList<>();
        for (Pass p : passes) {
            for (String req : p.requires()) {
                if (registry.has(req) && !done.contains(req)) {
                    ctx.log("warning: " + p.name() + " runs without " + req + " before it and may find fewer matches");
                }
            }
            Map<String, Integer> before = graph.opHistogram();
            ctx.beginPass(current);
            long t0 = System.nanoTime();
            PassResult r = p.run(graph, ctx);
            try {
                GraphVerifier.verify(graph);
            } catch (VerificationException e) {
                throw new IllegalStateException("pass " + p.name() + " left an invalid graph: " + e.getMessage(), e);
            }
            long t1 = System.nanoTime();
            Map<String, Integer> after = graph.opHistogram();
            Double certificate = null;
            if (checkPasses) {
                if (r.changed()) {
                    NdArray[] now = ctx.takeOutputsAfter();
                    if (now == null) now = new Interpreter(graph).run(ctx.verificationInputs(graph));
                    certificate = certificate(now, current);
                    current = now;
                } else {
                    certificate = 0.0;
                }
            }
            long t2 = System.nanoTime();
            done.add(p.name());
            entries.add(new PassReport.Entry(p.name(), r, before, after, certificate, t1 - t0, t2 - t1));
            ctx.log(p.name() + ": " + r.summary() + (certificate == null ? "" : String.format(" [certificate %.2e]", certificate)));
        }
        return new PassReport(entries, first, graph.opHistogram(), nodesBefore, graph.nodeCount(), System.nanoTime() - start,
                checkPasses);
    }

    /** Max over outputs of max|a - e| / max|e|. */
    public static double certificate(NdArray[] actual, NdArray[] expected) {
        double c = 0;
        for (int i = 0; i < actual.length; i++) c = Math.max(c, Comparison.of(actual[i], expected[i]).relativeToScale());
        return c;
    }
}
