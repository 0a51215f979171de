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
    void aScaleTheProducerCannotTakeFoldsIntoThePaddedConvsAfterIt() {
        Net n = new Net("consumers", 5);
        Value x = n.op("Relu", "act", n.input(1, 4, 6, 6)); // Relu cannot take a scale
        Value scaled = n.layerScale4d("s", x);
        Value a = n.conv("a", scaled, 3, 3, 1, 1, 1, true), b = n.conv("b", scaled, 4, 3, 1, 1, 4, false);
        Graph g = n.output(n.op("Add", "sum", n.op("Relu", "ra", a), n.conv1x1("c", n.op("Relu", "rb", b), 3))), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Mul", 1, "Reshape", 1), r.removed());
        assertEquals(Check.count(before, "Conv"), Check.count(g, "Conv"));
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void divisionByAConstantFoldsAsAMultiplyByItsInverse() {
        Net n = new Net("div", 6);
        Value pooled = n.input(2, 8);
        Graph g = n.output(n.op("Div", "logits", n.op("Relu", "r", n.linear("head", pooled, 5, true)), n.scalar("two", 2f)));
        assertFalse(Check.run(pass, g).changed(), "Relu between: nothing to fold into");
        Net m = new Net("div2", 7);
        Graph h = m.output(m.op("Div", "logits", m.linear("head", m.input(2, 8), 5, true), m.scalar("two", 2f))), hb = h.copy();
        Check.run(pass, h);
        assertEquals(Map.of("Linear", 1), h.opHistogram());
        assertEquals("logits", h.output(0).name());
        Check.equivalent(hb, h, Check.EXACT);
    }

    @Test
    void theExactGeluDecompositionKeepsOnlyErfAddMulBetweenTwoConvs() {
        Net n = new Net("gelu", 8);
        Value x = n.input(1, 4, 5, 5);
        Graph g = n.output(n.conv("fc2", n.gelu("act", n.conv1x1("fc1", x, 8)), 4, 3, 1, 1, 1, true)), before = g.copy();
        PassContext noGelu = PassContext.of(Check.profile(java.util.Set.of(), java.util.Set.of()));
        Check.run(new LowerGelu(), g, noGelu);
        Check.run(pass, g);
        assertEquals(Map.of("Add", 1, "Conv", 2, "Erf", 1, "Mul", 1), g.opHistogram());
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
        Graph h = m.output(m.op("Add", "a", d, m.layerScale4d("ls.gamma", d))); // its reader is an Add, not a layer
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
