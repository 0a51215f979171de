package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimplifyPoolMixerTest {
    private final SimplifyPoolMixer pass = new SimplifyPoolMixer();

    private static Graph mixer(int h, int w) {
        Net n = new Net("mixer", 1);
        Value x = n.op("Relu", "act", n.input(2, 5, h, w));
        Value mixed = n.op("Add", "add1", x, n.layerScale4d("ls1.gamma", n.op("Sub", "sub", n.pool3("pool", x), x)));
        return n.output(n.op("Relu", "out", mixed));
    }

    @Test
    void sameOpCountExactIncludingBorders() {
        // 3x4 maps are almost all border: corners divide by 4, edges by 6.
        Graph g = mixer(3, 4), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(1, r.rewrites());
        assertEquals(Map.of("Reshape", 1, "Sub", 1), r.removed());
        assertEquals(Map.of("Mul", 1), r.added());
        assertEquals(Map.of("Add", 1, "AveragePool", 1, "Mul", 2, "Relu", 2), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void afterFoldConstantsTheOpCountIsExactlyTheSame() {
        Graph g = mixer(6, 6);
        Check.run(new FoldConstants(), g);
        Graph before = g.copy();
        Check.run(pass, g);
        assertEquals(before.nodeCount(), g.nodeCount());
        assertEquals(0, Check.count(g, "Sub"));
        Check.equivalent(before, g, Check.EXACT);
    }
}
