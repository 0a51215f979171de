package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CarryMixerScaleTest {
    private final CarryMixerScale pass = new CarryMixerScale();

    /** timm's Meta4D block: x + ls1*(P(x) - x), then x + ls2*fc2(gelu(fc1(x))). */
    private static Value block(Net n, String p, Value x, float gammaLo, float gammaHi) {
        int c = x.shape().dim(1);
        Value gamma = n.param(p + ".ls1.gamma", n.uniform(Shape.of(c), gammaLo, gammaHi));
        Value branch = n.op("Sub", p + ".sub", n.pool3(p + ".pool", x), x);
        Value mixed = n.op("Add", p + ".add1", x, n.op("Mul", p + ".ls1", branch, n.reshape(p + ".ls1.view", gamma, 1, c, 1, 1)));
        Value h = n.gelu(p + ".act", n.conv1x1(p + ".fc1", mixed, 2 * c));
        return n.op("Add", p + ".add2", mixed, n.layerScale4d(p + ".ls2.gamma", n.conv1x1(p + ".fc2", h, c)));
    }

    /** Two stages of pool blocks, a padded 3x3 stride-2 downsample between them, then the flatten a Meta3D stage starts with. */
    private static Graph stages(int first, int second, float gammaLo, float gammaHi) {
        Net n = new Net("stages", 3);
        Value x = n.op("Relu", "stem", n.conv("stem.conv", n.input(2, 4, 6, 5), 8, 3, 1, 1, 1, true));
        for (int i = 0; i < first; i++) x = block(n, "s0.b" + i, x, gammaLo, gammaHi);
        x = n.conv("down", x, 12, 3, 2, 1, 1, true);
        for (int i = 0; i < second; i++) x = block(n, "s1.b" + i, x, gammaLo, gammaHi);
        return n.output(n.transpose("tokens", n.reshape("flatten", x, 2, 12, 9), 0, 2, 1));
    }

    /** The form this pass expects: what fold-constants, simplify-pool-mixer and fold-layer-scale leave. */
    private static Graph prepared(Graph g) {
        for (Pass p : new Pass[] {new FoldConstants(), new SimplifyPoolMixer(), new FoldLayerScale(), new EliminateDeadCode()}) Check.run(p, g);
        return g;
    }

    @Test
    void runEndingInAConvCarriesEverySkipScaleAndOneEndingInAReshapeGetsOneMul() {
        Graph g = prepared(stages(3, 2, 0.1f, 0.4f)), before = g.copy();
        int mulsBefore = Check.count(g, "Mul");
        PassResult r = Check.run(pass, g);
        // Five skip Muls go; the run before the flatten needs one Mul for its carried factor.
        assertEquals(2, r.rewrites());
        assertEquals(Map.of("Mul", -4), Check.delta(before.opHistogram(), g.opHistogram()));
        assertEquals(mulsBefore - 4, Check.count(g, "Mul"));
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void singleBlockBeforeAReshapeIsLeftAlone() {
        Graph g = prepared(stages(2, 1, 0.1f, 0.4f)), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(1, r.rewrites());
        assertEquals(Map.of("Mul", -2), Check.delta(before.opHistogram(), g.opHistogram()));
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void skipFactorNearZeroEndsTheRun() {
        // gamma in [0.95, 0.99]: 1-gamma < 1/16 in every channel, so no block qualifies.
        Graph g = prepared(stages(3, 2, 0.95f, 0.99f)), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(0, r.rewrites());
        assertEquals(before.opHistogram(), g.opHistogram());
    }

    @Test
    void negativeSkipFactorsAreExactToo() {
        // gamma in [1.2, 1.8]: 1-gamma is negative; the carried product changes sign along the run.
        Graph g = prepared(stages(3, 2, 1.2f, 1.8f)), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Mul", -4), Check.delta(before.opHistogram(), g.opHistogram()));
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void withoutTheMixerFormNothingMatches() {
        Graph g = stages(3, 2, 0.1f, 0.4f), before = g.copy();
        assertEquals(0, Check.run(pass, g).rewrites());
        assertEquals(before.opHistogram(), g.opHistogram());
    }
}
