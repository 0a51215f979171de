package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A BatchNorm or scale/shift an exporter left as Mul/Add with [1,C,1,1] constants after a conv. */
class FoldConvAffineTest {
    private final FoldConvAffine pass = new FoldConvAffine();

    @Test
    void aScaleThenShiftAfterAConvFoldIntoItsWeightAndBias() {
        Net n = new Net("affine", 41);
        Value y = n.conv("conv", n.input(2, 3, 6, 6), 4, 3, 1, 1, 1, true);
        y = n.op("Mul", "bn/Mul", y, n.param("s", n.uniform(Shape.of(1, 4, 1, 1), 0.5, 2)));
        y = n.op("Add", "bn/Add", n.param("t", n.normal(Shape.of(1, 4, 1, 1), 0.5)), y);
        Graph g = n.output(n.op("Relu", "act", y)), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(2, r.rewrites());
        assertEquals(Map.of("Add", 1, "Mul", 1), r.removed());
        assertEquals(Map.of("Conv", 1, "Relu", 1), g.opHistogram());
        assertNotNull(g.constant("conv.weight"), "the folded weight keeps its key");
        assertNotNull(g.constant("conv.bias"));
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void aShiftGivesABiasFreeConvABiasAndKeepsItsWeight() {
        Net n = new Net("shift", 42);
        Value y = n.conv("conv", n.input(1, 3, 5, 5), 4, 1, 1, 0, 1, false);
        Tensor w = n.g.constant("conv.weight").constant();
        Graph g = n.output(n.op("Sub", "sub", y, n.param("t", n.normal(Shape.of(4, 1, 1), 0.5)))), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Conv", 1), g.opHistogram());
        assertSame(w, g.constant("conv.weight").constant(), "a shift only moves into the bias");
        assertEquals(Shape.of(4), g.constant("conv.bias").shape());
        assertEquals("sub", g.output(0).name());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void aDivisionByAScalarAndADepthwiseConvFold() {
        Net n = new Net("div", 43);
        Value y = n.conv("dw", n.input(1, 4, 5, 5), 4, 3, 1, 1, 4, true);
        Graph g = n.output(n.op("Relu", "r", n.op("Div", "div", y, n.scalar("two", 2f)))), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Conv", 1, "Relu", 1), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void constantsThatAreNotPerChannelOrASharedConvOutputLeaveTheGraphUnchanged() {
        Net n = new Net("spatial", 44);
        Value y = n.conv1x1("conv", n.input(1, 4, 3, 3), 4);
        unchanged(n.output(n.op("Mul", "m", y, n.param("rows", n.uniform(Shape.of(1, 1, 3, 1), 0.5, 2)))), "varies over H");

        Net m = new Net("broadcast", 45);
        Value z = m.conv1x1("conv", m.input(1, 4, 3, 3), 4);
        unchanged(m.output(m.op("Add", "a", z, m.param("batch", m.normal(Shape.of(2, 4, 1, 1), 1)))), "enlarges the batch");

        Net k = new Net("shared", 46);
        Value c = k.conv1x1("conv", k.input(1, 4, 3, 3), 4);
        Value s = k.op("Mul", "m", c, k.param("s", k.uniform(Shape.of(1, 4, 1, 1), 0.5, 2)));
        unchanged(k.output(k.op("Add", "res", s, c)), "the conv output is read twice");

        Net z0 = new Net("zero", 47);
        Value d = z0.conv1x1("conv", z0.input(1, 2, 3, 3), 2);
        unchanged(z0.output(z0.op("Div", "d", d, z0.param("s", Tensor.ofFloats(Shape.of(1, 2, 1, 1), 1f, 0f)))), "x / 0");

        Net l = new Net("after_relu", 48);
        Value r = l.op("Relu", "r", l.conv1x1("conv", l.input(1, 2, 3, 3), 2));
        unchanged(l.output(l.op("Mul", "m", r, l.scalar("s", 3f))), "not right after the conv");
    }

    private void unchanged(Graph g, String why) {
        Map<String, Integer> h = g.opHistogram();
        assertFalse(Check.run(pass, g).changed(), why);
        assertEquals(h, g.opHistogram(), why);
    }
}
