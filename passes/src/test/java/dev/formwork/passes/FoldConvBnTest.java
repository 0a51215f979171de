package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FoldConvBnTest {
    private final FoldConvBn pass = new FoldConvBn();

    private static Graph convBnRelu(boolean bias) {
        Net n = new Net("conv_bn", 1);
        Value x = n.input(2, 3, 9, 9);
        return n.output(n.op("Relu", "act", n.bn("norm", n.conv("conv", x, 6, 3, 2, 1, 1, bias))));
    }

    @Test
    void convThenBnBecomesOneConvKeepingTheWeightKey() {
        Graph g = convBnRelu(true), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("BatchNorm", 1), r.removed());
        assertEquals(Map.of(), r.added());
        assertEquals(Map.of("BatchNorm", -1), Check.delta(before.opHistogram(), g.opHistogram()));
        Value w = g.constant("conv.weight");
        assertNotNull(w);
        assertNotNull(g.constant("conv.bias"));
        assertTrue(w.constant() != before.constant("conv.weight").constant(), "folded weight is a new tensor");
        assertNull(g.constant("norm.running_mean"), "BN statistics dropped");
        for (Value c : g.constants()) assertFalse(c.name().contains("~") || c.name().contains("scratch"), c.name());
        assertEquals(2, g.constants().size(), "one new tensor per rewritten weight, nothing else");
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void convWithoutBiasGainsTheBiasKey() {
        Graph g = convBnRelu(false), before = g.copy();
        Check.run(pass, g);
        assertEquals(0, Check.count(g, "BatchNorm"));
        assertEquals(3, g.nodes().get(0).inputCount());
        assertNotNull(g.constant("conv.bias"));
        assertEquals("conv", g.nodes().get(0).name());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void bnAsGraphOutputKeepsTheOutputName() {
        Net n = new Net("out", 2);
        Graph g = n.output(n.bn("norm", n.conv("conv", n.input(1, 3, 5, 5), 4, 1, 1, 0, 1, true)));
        Graph before = g.copy();
        Check.run(pass, g);
        assertEquals("norm", g.output(0).name());
        assertEquals(Map.of("Conv", 1), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void convWithAnotherReaderKeepsItsWeightsAndTheBnBecomesMulAdd() {
        Net n = new Net("shared", 3);
        Value c = n.conv("conv", n.input(1, 4, 6, 6), 4, 3, 1, 1, 1, true);
        Graph g = n.output(n.op("Add", "sum", n.bn("norm", c), c)), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("BatchNorm", 1), r.removed());
        assertEquals(Map.of("Add", 1, "Mul", 1), r.added());
        assertTrue(g.constant("conv.weight").constant() == before.constant("conv.weight").constant(), "conv untouched");
        assertEquals(Shape.of(1, 4, 1, 1), g.constant("norm.bn_scale").shape());
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void linearFoldsOnlyWhenTheBnAxisIsItsOutputFeatures() {
        Net n = new Net("linear", 4);
        Value flat = n.linear("fc", n.input(3, 8), 5, true); // [3,5]: BN axis 1 = features
        Graph g = n.output(n.op("Relu", "act", n.bn("norm", flat))), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Linear", 1, "Relu", 1), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);

        Net m = new Net("tokens", 5);
        Value tok = m.linear("fc", m.input(2, 4, 8), 6, true); // [2,4,6]: BN axis 1 = tokens, not features
        Graph h = m.output(m.op("Relu", "act", m.bn("norm", tok))), hb = h.copy();
        Check.run(pass, h);
        assertEquals(Map.of("Add", 1, "Linear", 1, "Mul", 1, "Relu", 1), h.opHistogram());
        assertTrue(h.constant("fc.weight").constant() == hb.constant("fc.weight").constant());
        Check.equivalent(hb, h, Check.EXACT);
    }

    @Test
    void matMulWithConstantBecomesLinear() {
        Net n = new Net("matmul", 6);
        Value w = n.param("proj.weight", n.normal(Shape.of(8, 5), 0.3));
        Graph g = n.output(n.op("Relu", "act", n.bn("norm", n.op("MatMul", "proj", n.input(3, 8), w)))), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("BatchNorm", 1, "MatMul", 1), r.removed());
        assertEquals(Map.of("Linear", 1), r.added());
        assertEquals(Shape.of(5, 8), g.constant("proj.weight").shape());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void bnBeforeAnUnpaddedConvFoldsIntoItsInputSide() {
        Net n = new Net("fwd", 7);
        Value a = n.op("Relu", "act", n.input(1, 6, 5, 5));
        Value y = n.conv("dw", n.conv("pw", n.bn("norm", a), 4, 1, 1, 0, 1, true), 4, 3, 2, 0, 2, true);
        Graph g = n.output(y), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Conv", 2, "Relu", 1), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);

        Net m = new Net("grouped", 8); // grouped, strided, 3x3 but unpadded: still exact
        Value b = m.op("Relu", "act", m.input(1, 6, 7, 7));
        Graph h = m.output(m.conv("gc", m.bn("norm", b), 4, 3, 2, 0, 2, true)), hb = h.copy();
        Check.run(pass, h);
        assertEquals(0, Check.count(h, "BatchNorm"));
        Check.equivalent(hb, h, Check.EXACT);
    }

    @Test
    void bnBeforeAPaddedConvIsNotFoldedThrough() {
        Net n = new Net("padded", 9);
        Value a = n.op("Relu", "act", n.input(1, 4, 5, 5));
        Graph g = n.output(n.conv("conv", n.bn("norm", a), 4, 3, 1, 1, 1, true)), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Add", 1, "Conv", 1, "Mul", 1, "Relu", 1), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void v2FinalNormFoldsThroughTheMeanIntoBothHeads() {
        Net n = new Net("tail", 10);
        Value x = n.op("Relu", "act", n.input(2, 6, 4, 4));
        Value pooled = n.op("ReduceMean", "pool", Attributes.of("axes", new long[] {2, 3}, "keepdims", 0), n.bn("norm", x));
        Graph g = n.output(MiniModels.heads(n, pooled)), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("BatchNorm", 1), r.removed());
        assertEquals(Map.of(), r.added());
        assertEquals("logits", g.output(0).name());
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void everyBnOfTheMiniModelsGoes() {
        for (Graph g : new Graph[] {MiniModels.v1(1, false), MiniModels.v2(2)}) {
            Graph before = g.copy();
            Check.run(pass, g);
            assertEquals(0, Check.count(g, "BatchNorm"), g.name());
            assertEquals(0, Check.count(g, "Mul") - Check.count(before, "Mul"), g.name() + ": no Mul+Add fallback needed");
            assertEquals(Check.count(before, "Conv"), Check.count(g, "Conv"));
            Check.equivalent(before, g, Check.EXACT);
        }
    }
}
