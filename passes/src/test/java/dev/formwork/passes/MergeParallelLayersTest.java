package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MergeParallelLayersTest {
    private final MergeParallelLayers pass = new MergeParallelLayers();

    @Test
    void distilledHeadsBecomeOneLinearAndTheAverageFoldsIn() {
        Net n = new Net("heads", 1);
        Graph g = n.output(MiniModels.heads(n, n.op("Relu", "pre", n.input(2, 12)))), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Add", 1, "Linear", 1), r.removed());
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
        Check.run(new FoldLayerScale(), g);
        assertEquals(Map.of("Linear", 1, "Relu", 1), g.opHistogram());
        assertEquals("logits", g.output(0).name());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void convsWithDifferentAttributesOrInputsStay() {
        Net n = new Net("convs", 2);
        Value x = n.op("Relu", "r", n.input(1, 3, 6, 6));
        Graph g = n.output(n.op("Add", "sum", n.conv("a", x, 4, 3, 1, 1, 1, true), n.conv("b", x, 4, 3, 1, 1, 1, true))), before = g.copy();
        assertEquals(1, Check.run(pass, g).rewrites(), "same attributes: merged");
        Check.equivalent(before, g, Check.EXACT);
        Net m = new Net("convs2", 3);
        Value y = m.op("Relu", "r", m.input(1, 4, 6, 6));
        Graph h = m.output(m.op("Add", "sum", m.conv("a", y, 4, 3, 1, 1, 1, true), m.conv("b", y, 4, 3, 1, 1, 2, true)));
        Net k = new Net("x2", 4);
        Value z = k.op("Relu", "r", k.input(1, 3, 6, 6));
        Graph j = k.output(k.op("Add", "sum", k.conv("a", z, 4, 3, 1, 1, 1, true), k.conv("b", k.op("Relu", "r2", z), 4, 3, 1, 1, 1, true)));
        assertFalse(Check.run(pass, h).changed(), "grouped vs dense");
        assertFalse(Check.run(pass, j).changed(), "different inputs");
    }
}
