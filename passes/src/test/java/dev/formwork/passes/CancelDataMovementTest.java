package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Data movement exporters leave in pairs; every rewrite must give bit-identical outputs. */
class CancelDataMovementTest {
    private final CancelDataMovement pass = new CancelDataMovement();

    @Test
    void aReshapeOfAReshapeIsOneReshapeAndAReshapeBackIsNothing() {
        Net n = new Net("chain", 51);
        Value x = n.op("Relu", "r", n.input(2, 8, 16));
        Graph g = n.output(n.reshape("flat", n.reshape("heads", x, 2, 8, 4, 4), 2, 128)), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Reshape", 1), r.removed());
        assertArrayEquals(new long[] {2, 128}, g.nodes().get(1).ints("shape"));
        assertEquals("flat", g.output(0).name());
        assertEquals(0.0, Check.error(before, g));
        Check.idempotent(pass, g);

        Net m = new Net("back", 52);
        Value y = m.op("Relu", "r", m.input(2, 8, 16));
        Graph h = m.output(m.op("Relu", "out", m.reshape("undo", m.reshape("split", y, 2, 8, 4, 4), 2, 8, 16))), hb = h.copy();
        Check.run(pass, h);
        assertEquals(Map.of("Relu", 2), h.opHistogram());
        assertEquals(0.0, Check.error(hb, h));
    }

    @Test
    void transposesThatCancelGoAndOthersCompose() {
        Net n = new Net("pair", 53);
        Value x = n.op("Relu", "r", n.input(2, 3, 4, 5));
        Value back = n.transpose("to_nchw", n.transpose("to_nhwc", x, 0, 2, 3, 1), 0, 3, 1, 2);
        Value composed = n.transpose("b", n.transpose("a", x, 0, 2, 1, 3), 0, 1, 3, 2);
        Graph g = n.output(n.op("Add", "sum", n.op("Relu", "r2", back), n.reshape("view", composed, 2, 3, 4, 5))), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Add", 1, "Relu", 2, "Reshape", 1, "Transpose", 1), g.opHistogram());
        assertEquals(0.0, Check.error(before, g));
        Check.idempotent(pass, g);
    }

    @Test
    void aTransposeOfSizeOneAxesIsAReshapeAndMergesWithItsNeighbours() {
        Net n = new Net("unit", 54);
        Value x = n.op("Relu", "r", n.input(2, 6));
        // unsqueeze(1), transpose(1, 2), squeeze: [2,6] -> [2,1,6] -> [2,6,1] -> [2,6]
        Value t = n.transpose("flip", n.reshape("unsqueeze", x, 2, 1, 6), 0, 2, 1);
        Graph g = n.output(n.op("Relu", "out", n.reshape("squeeze", t, 2, 6))), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Reshape", 2, "Transpose", 1), r.removed());
        assertEquals(Map.of("Relu", 2), g.opHistogram());
        assertEquals(0.0, Check.error(before, g));

        Net m = new Net("unit_only", 55);
        Graph h = m.output(m.transpose("t", m.op("Relu", "r", m.input(1, 4, 1, 3)), 2, 0, 1, 3)), hb = h.copy();
        Check.run(pass, h);
        assertEquals(Map.of("Relu", 1, "Reshape", 1), h.opHistogram());
        assertEquals("t", h.output(0).name());
        assertEquals(0.0, Check.error(hb, h));
        Check.idempotent(pass, h);
    }

    @Test
    void realPermutationsAndLoneReshapesStay() {
        Net n = new Net("real", 56);
        Value x = n.op("Relu", "r", n.input(1, 4, 1, 3));
        Value t = n.transpose("swap", x, 0, 3, 2, 1); // 4 and 3 change order
        Graph g = n.output(n.reshape("flat", n.op("Relu", "r2", t), 1, 12));
        Map<String, Integer> h = g.opHistogram();
        assertFalse(Check.run(pass, g).changed());
        assertEquals(h, g.opHistogram());
    }

    @Test
    void anIdentityBetweenTheGraphInputAndOutputStaysSoThatBothKeepTheirNames() {
        Net n = new Net("io", 57);
        Graph g = n.output(n.transpose("out", n.input(2, 3), 0, 1));
        assertFalse(Check.run(pass, g).changed());
        assertEquals(Map.of("Transpose", 1), g.opHistogram());
        assertEquals("out", g.output(0).name());
    }
}
