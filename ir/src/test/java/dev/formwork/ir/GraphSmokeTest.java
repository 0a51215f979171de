package dev.formwork.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphSmokeTest {
    @Test
    void buildsVerifiesAndRunsASmallGraph() {
        Graph g = new Graph("smoke");
        Value x = g.addInput("input", ValueType.f32(1, 2, 3, 3));
        Value w = g.addConstant("conv.weight", Tensor.ofFloats(Shape.of(1, 2, 1, 1), 1f, 2f));
        Value b = g.addConstant("conv.bias", Tensor.ofFloats(Shape.of(1), 0.5f));
        Value y = g.apply("Conv", "conv", x, w, b);
        Value r = g.apply("Relu", "relu", y);
        g.addOutput(r);
        GraphVerifier.verify(g);
        assertEquals(List.of(1, 1, 3, 3), List.of(1, 1, 3, 3));
        assertEquals(ValueType.f32(1, 1, 3, 3), r.type());

        float[] in = new float[18];
        for (int i = 0; i < 9; i++) {
            in[i] = i - 4;
            in[9 + i] = 1;
        }
        NdArray out = new Interpreter(g).run(NdArray.of(new int[] {1, 2, 3, 3}, in))[0];
        float[] expect = new float[9];
        for (int i = 0; i < 9; i++) expect[i] = Math.max(0f, (i - 4) + 2f + 0.5f);
        assertArrayEquals(expect, out.data(), 1e-6f);
        assertEquals(2 * 9, g.macs());
        assertEquals(3, g.parameterCount());
    }

    @Test
    void rewiringKeepsTopologicalOrder() {
        Graph g = new Graph("order");
        Value x = g.addInput("x", ValueType.f32(4));
        Value a = g.apply("Relu", "a", x);
        Value c = g.apply("Sigmoid", "c", a);
        g.addOutput(c);
        // insert a node between a and c, appended at the end of the list
        Value t = g.apply("Tanh", "t", a);
        g.setInput(c.producer(), 0, t);
        assertEquals(List.of("a", "t", "c"), g.nodes().stream().map(Node::name).toList());
        GraphVerifier.verify(g);
        Graph copy = g.copy();
        GraphVerifier.verify(copy);
        assertEquals(3, copy.nodeCount());
    }

    @Test
    void badShapesNameTheNode() {
        Graph g = new Graph("bad");
        Value x = g.addInput("x", ValueType.f32(1, 3, 8, 8));
        Value w = g.addConstant("w", Tensor.ofFloats(Shape.of(4, 2, 3, 3), new float[72]));
        FormworkException e = assertThrows(FormworkException.class, () -> g.apply("Conv", "stem.conv1", x, w));
        assertEquals(true, e.getMessage().contains("stem.conv1"), e.getMessage());
    }
}
