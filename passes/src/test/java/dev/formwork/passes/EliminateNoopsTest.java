package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EliminateNoopsTest {
    private final EliminateNoops pass = new EliminateNoops();

    private static void exactNoop(Graph g, Map<String, Integer> expectedAfter) {
        Graph before = g.copy();
        new EliminateNoops().run(g, PassContext.of(Check.reference()));
        dev.formwork.ir.GraphVerifier.verify(g);
        assertEquals(expectedAfter, g.opHistogram());
        assertEquals(0.0, Check.error(before, g), "no-op removal is bit-exact");
        Check.idempotent(new EliminateNoops(), g);
    }

    @Test
    void identityAndSameShapeReshape() {
        Net n = new Net("id", 1);
        Value x = n.op("Relu", "a", n.input(2, 3, 4));
        Value y = n.reshape("same", n.op("Identity", "id", x), 2, 3, 4);
        exactNoop(n.output(n.op("Relu", "b", y)), Map.of("Relu", 2));
    }

    @Test
    void reshapeChainsMergeAndFlattenJoinsThem() {
        Net n = new Net("rr", 2);
        Value x = n.op("Relu", "a", n.input(2, 3, 4));
        Value y = n.reshape("r2", n.op("Flatten", "flat", x), 6, 4);
        exactNoop(n.output(n.op("Relu", "b", y)), Map.of("Relu", 2, "Reshape", 1));
        Net m = new Net("rr2", 3);
        Value z = m.op("Relu", "a", m.input(2, 3, 4));
        exactNoop(m.output(m.op("Relu", "b", m.reshape("back", m.reshape("there", z, 4, 6), 2, 3, 4))), Map.of("Relu", 2));
    }

    @Test
    void transposesComposeOrCancel() {
        Net n = new Net("tt", 4);
        Value x = n.op("Relu", "a", n.input(2, 3, 4, 5));
        Value c = n.transpose("t2", n.transpose("t1", x, 0, 2, 3, 1), 0, 3, 1, 2); // NCHW->NHWC->NCHW
        exactNoop(n.output(n.op("Relu", "b", c)), Map.of("Relu", 2));
        Net m = new Net("tt2", 5);
        Value y = m.op("Relu", "a", m.input(2, 3, 4, 5));
        Value t = m.transpose("t2", m.transpose("t1", y, 0, 2, 1, 3), 0, 1, 3, 2);
        Graph g = m.output(m.op("Relu", "b", t));
        exactNoop(g, Map.of("Relu", 2, "Transpose", 1));
        Node tr = g.nodes().stream().filter(k -> k.is("Transpose")).findFirst().orElseThrow();
        assertEquals(java.util.List.of(0L, 2L, 3L, 1L), java.util.Arrays.stream(tr.ints("perm")).boxed().toList());
    }

    @Test
    void neutralConstantsGoUnlessTheyBroadcast() {
        Net n = new Net("neutral", 6);
        Value x = n.op("Relu", "a", n.input(2, 3));
        Value one = n.param("one", Tensor.ofFloats(Shape.of(3), 1, 1, 1)), zero = n.scalar("zero", 0f);
        Value y = n.op("Div", "d", n.op("Add", "p", n.op("Mul", "m", one, x), zero), n.scalar("uno", 1f));
        exactNoop(n.output(n.op("Relu", "b", n.op("Sub", "s", y, zero))), Map.of("Relu", 2));

        Net m = new Net("broadcast", 7);
        Value v = m.op("Relu", "a", m.input(3));
        Graph g = m.output(m.op("Mul", "m", v, m.param("ones", Tensor.ofFloats(Shape.of(2, 3), 1, 1, 1, 1, 1, 1))));
        assertFalse(Check.run(pass, g).changed(), "x*ones that enlarges the result is not a no-op");
        Net k = new Net("zero_minus", 8);
        Value w = k.op("Relu", "a", k.input(3));
        Graph h = k.output(k.op("Sub", "s", k.scalar("z", 0f), w));
        assertFalse(Check.run(pass, h).changed(), "0 - x is not x");
    }

    @Test
    void graphOutputsKeepTheirNames() {
        Net n = new Net("outname", 9);
        Value x = n.op("Relu", "a", n.input(2, 3));
        Graph g = n.output(n.op("Mul", "logits", x, n.scalar("one", 1f)));
        Check.run(pass, g);
        assertEquals("logits", g.output(0).name());
        assertEquals(Map.of("Relu", 1), g.opHistogram());
        Net m = new Net("passthrough", 10);
        Graph h = m.output(m.op("Identity", "out", m.input(2, 3)));
        assertFalse(Check.run(pass, h).changed(), "an input mapped straight to an output stays");
    }
}
