package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EliminateDeadCodeTest {
    @Test
    void deadChainsAndUnusedConstantsGo() {
        Net n = new Net("dead", 1);
        Value x = n.input(1, 4, 3, 3);
        Value live = n.op("Relu", "live", x);
        n.bn("unused_bn", n.conv1x1("unused_conv", live, 4)); // a dead chain with weights
        n.param("orphan", n.normal(dev.formwork.ir.Shape.of(3), 1));
        Graph g = n.output(live), before = g.copy();
        PassResult r = Check.run(new EliminateDeadCode(), g);
        assertEquals(Map.of("BatchNorm", 1, "Conv", 1), r.removed());
        assertEquals(Map.of("Relu", 1), g.opHistogram());
        assertEquals(0, g.constants().size());
        assertEquals(0.0, Check.error(before, g));
        Check.idempotent(new EliminateDeadCode(), g);
    }
}
