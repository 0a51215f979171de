package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FoldConstantsTest {
    private final FoldConstants pass = new FoldConstants();

    @Test
    void attentionBiasGatherBecomesATable() {
        Net n = new Net("bias", 1);
        Value s = n.input(1, 2, 9, 9);
        Value bias = n.attentionBias("attn", 2, 3);
        Graph g = n.output(n.op("Softmax", "softmax", n.op("Add", "add", s, bias))), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Gather", 1), r.removed());
        Value table = g.constant("attn.bias_gather");
        assertEquals(Shape.of(2, 9, 9), table.shape());
        assertFalse(table.isBuffer(), "the table holds trained biases: a parameter");
        assertEquals(null, g.constant("attn.attention_bias_idxs"));
        assertEquals(0.0, Check.error(before, g));
        Check.idempotent(pass, g);
    }

    @Test
    void reshapeOfAConstantIsAViewAndChainsFold() {
        Net n = new Net("chain", 2);
        Value x = n.input(1, 4, 2, 2);
        Value gamma = n.param("ls.gamma", n.uniform(Shape.of(4), 0.1, 0.4));
        Value r1 = n.reshape("r1", gamma, 4, 1);
        Value r2 = n.reshape("r2", r1, 1, 4, 1, 1);
        Graph g = n.output(n.op("Mul", "m", x, r2)), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Reshape", 2), r.removed());
        assertEquals(Map.of("Mul", 1), g.opHistogram());
        Tensor t = g.constant("r2").constant();
        assertEquals(Shape.of(1, 4, 1, 1), t.shape());
        assertTrue(t.contentEquals(before.constant("ls.gamma").constant().reshape(Shape.of(1, 4, 1, 1))));
        assertEquals(0.0, Check.error(before, g));
    }

    @Test
    void foldsOfBuffersAreBuffers() {
        Net n = new Net("buf", 3);
        Value x = n.input(2, 3);
        Value mean = n.g.addBuffer("m", Tensor.ofFloats(Shape.of(3), 1, 2, 3));
        Value two = n.g.addBuffer("two", Tensor.ofFloats(Shape.of(3), 2, 2, 2));
        Graph g = n.output(n.op("Add", "y", x, n.op("Mul", "scaled", Attributes.EMPTY, mean, two)));
        Check.run(pass, g);
        assertTrue(g.constant("scaled").isBuffer());
        assertEquals(4f, g.constant("scaled").constant().getFloat(1));
    }
}
