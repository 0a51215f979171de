package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FoldLayerScaleTest {
    private final FoldLayerScale pass = new FoldLayerScale();

    @Test
    void reshapedGammaFoldsIntoTheConvThatEndsTheBranch() {
        Net n = new Net("ls4d", 1);
        Value x = n.input(2, 4, 5, 5);
        Value branch = n.conv1x1("mlp.fc2", n.op("Relu", "act", x), 4);
        Graph g = n.output(n.op("Add", "add", x, n.layerScale4d("ls2.gamma", branch))), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Mul", 1, "Reshape", 1), r.removed());
        assertEquals(Map.of(), r.added());
        assertTrue(g.constant("mlp.fc2.weight") != null && g.constant("mlp.fc2.bias") != null);
        assertEquals(null, g.constant("ls2.gamma"));
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void tokenGammaFoldsIntoTheLinear() {
        Net n = new Net("ls3d", 2);
        Value x = n.input(2, 7, 6);
        Graph g = n.output(n.op("Add", "add", x, n.layerScale3d("ls1.gamma", n.linear("proj", x, 6, true)))), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Add", 1, "Linear", 1), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void gammaAlongTheWrongAxisOrASharedBranchStays() {
        Net n = new Net("wrong", 3);
        Value x = n.input(1, 4, 3, 3);
        Value c = n.conv1x1("fc", x, 4);
        Value spatial = n.param("g", n.uniform(Shape.of(1, 1, 3, 1), 0.1, 0.4)); // varies over H, not channels
        Graph g = n.output(n.op("Mul", "m", c, spatial));
        assertFalse(Check.run(pass, g).changed());

        Net m = new Net("shared", 4);
        Value y = m.input(1, 4, 3, 3);
        Value d = m.conv1x1("fc", y, 4);
        Graph h = m.output(m.op("Add", "a", d, m.layerScale4d("ls.gamma", d)));
        assertFalse(Check.run(pass, h).changed());
    }

    @Test
    void allFoldableLayerScalesOfTheMiniModelsGo() {
        // After fold-conv-bn, the MLP/attention branches end in Conv/Linear; V1's mixer scale stays.
        Graph v1 = MiniModels.v1(1, false), v2 = MiniModels.v2(2);
        for (Graph g : new Graph[] {v1, v2}) {
            Check.run(new FoldConvBn(), g);
            Graph before = g.copy();
            PassResult r = Check.run(pass, g);
            Check.equivalent(before, g, Check.EXACT);
            Check.idempotent(pass, g);
            int expected = g == v1 ? 2 + 2 : 3; // V1: 2 Meta4D fc2 + Meta3D proj, fc2; V2: 2 MLPs + attention proj
            assertEquals(expected, r.rewrites(), g.name());
        }
    }
}
