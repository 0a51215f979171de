package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.op.OpDef;
import dev.formwork.ir.op.OpRegistry;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Assertions shared by the pass tests. */
final class Check {
    private Check() {}

    /** Exact passes: max error relative to max|output| on a seeded gaussian input. */
    static final double EXACT = 1e-6;

    static TargetProfile reference() {
        return TargetProfile.reference(OpRegistry.all().stream().map(OpDef::name).collect(Collectors.toSet()));
    }

    static TargetProfile profile(Set<String> nativeGelu, Set<String> ops) {
        return new TargetProfile("test", nativeGelu, true, TargetProfile.Layout.NCHW, ops);
    }

    /** Runs one pass on g (in place) against the reference profile and verifies the graph. */
    static PassResult run(Pass p, Graph g) {
        return run(p, g, PassContext.of(reference()));
    }

    static PassResult run(Pass p, Graph g, PassContext ctx) {
        PassResult r = p.run(g, ctx);
        GraphVerifier.verify(g);
        return r;
    }

    /** Max |after - before| / max|before| over outputs, on a seeded gaussian input. */
    static double error(Graph before, Graph after) {
        NdArray[] in = PassContext.gaussianInputs(before, 42);
        return PassManager.certificate(new Interpreter(after).run(in), new Interpreter(before).run(in));
    }

    static void equivalent(Graph before, Graph after, double tol) {
        double e = error(before, after);
        assertTrue(e <= tol, "relative error " + e + " > " + tol);
    }

    /** after - before per op type (only non-zero entries). */
    static Map<String, Integer> delta(Map<String, Integer> before, Map<String, Integer> after) {
        Map<String, Integer> d = new TreeMap<>();
        for (var e : after.entrySet()) d.merge(e.getKey(), e.getValue(), Integer::sum);
        for (var e : before.entrySet()) d.merge(e.getKey(), -e.getValue(), Integer::sum);
        d.values().removeIf(v -> v == 0);
        return d;
    }

    static void idempotent(Pass p, Graph g) {
        Map<String, Integer> h = g.opHistogram();
        PassResult again = run(p, g);
        assertEquals(false, again.changed(), p.name() + " changed the graph on a second run: " + again.summary());
        assertEquals(h, g.opHistogram());
    }

    static int count(Graph g, String op) {
        return g.opHistogram().getOrDefault(op, 0);
    }
}
