package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RewritePatchStemTest {
    private final RewritePatchStem pass = new RewritePatchStem();

    @Test
    void patchifyConvBecomesSpaceToDepthAndA1x1Conv() {
        Net n = new Net("patch", 1);
        Value x = n.input(2, 3, 16, 12);
        Graph g = n.output(n.op("Relu", "act", n.conv("stem.conv", x, 8, 4, 4, 0, 1, true))), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("SpaceToDepth", 1), r.added());
        assertEquals(Map.of(), r.removed());
        Node conv = g.nodes().stream().filter(m -> m.is("Conv")).findFirst().orElseThrow();
        assertEquals("stem.conv", conv.name());
        assertEquals(Shape.of(8, 48, 1, 1), conv.input(1).shape());
        assertEquals("stem.conv.weight", conv.input(1).name());
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void overlappingPaddedOrIndivisibleConvsStay() {
        Net n = new Net("other", 2);
        Value x = n.input(1, 3, 10, 10);
        n.conv("overlap", x, 4, 3, 2, 1, 1, true);
        Value a = n.conv("padded", x, 4, 2, 2, 1, 1, true);
        Value b = n.conv("indivisible", x, 4, 4, 4, 0, 1, true); // 10 % 4 != 0: the conv drops rows
        Graph g = n.g;
        g.addOutput(a);
        g.addOutput(b);
        g.addOutput(n.g.value("overlap"));
        assertFalse(Check.run(pass, g).changed());
    }

    @Test
    void miniV1WithPatchStem() {
        Graph g = MiniModels.v1(3, true), before = g.copy();
        Check.run(pass, g);
        assertEquals(1, Check.count(g, "SpaceToDepth"));
        for (Node c : g.nodes()) if (c.is("Conv")) assertFalse(c.input(1).shape().dim(2) == 4, "no 4x4 conv left");
        Check.equivalent(before, g, 1e-6);
    }
}
