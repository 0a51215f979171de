package dev.formwork.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpreterTest {
    /** y = relu(x * 2 + c); z = split(y)[1]; outputs y, z, and the input x itself. */
    private static Graph graph() {
        Graph g = new Graph("interp");
        Value x = g.addInput("x", ValueType.f32(2, 4));
        Value two = g.addConstant("two", Tensor.scalar(2f));
        Value c = g.addConstant("c", Tensor.ofFloats(Shape.of(4), -1, 0, 1, 2));
        Value m = g.apply("Mul", "mul", x, two);
        Value a = g.apply("Add", "add", m, c);
        Value y = g.apply("Relu", "relu", a);
        Node sp = g.add("Split", "split", List.of(y), Attributes.of("axis", 1, "split", new int[] {1, 3}));
        Value z = g.apply("Sigmoid", "sig", sp.output(1));
        g.addOutput(y);
        g.addOutput(z);
        g.addOutput(x);
        return g;
    }

    private static NdArray input() {
        return NdArray.of(new int[] {2, 4}, new float[] {0, 1, -2, 3, 0.5f, -0.5f, 1, -4});
    }

    @Test
    void computesOutputsInOrder() {
        Interpreter in = new Interpreter(graph());
        NdArray[] out = in.run(input());
        assertEquals(3, out.length);
        float[] x = input().data(), c = {-1, 0, 1, 2};
        float[] y = new float[8];
        for (int i = 0; i < 8; i++) y[i] = Math.max(0, x[i] * 2 + c[i % 4]);
        assertArrayEquals(y, out[0].data());
        assertArrayEquals(new int[] {2, 3}, out[1].shape());
        for (int r = 0; r < 2; r++)
            for (int j = 0; j < 3; j++) {
                assertEquals(1 / (1 + Math.exp(-y[r * 4 + 1 + j])), out[1].data()[r * 3 + j], 1e-7);
            }
        assertArrayEquals(x, out[2].data());
        // a second run reuses the cached constants and gives the same answer
        assertArrayEquals(out[0].data(), in.run(input())[0].data());
        Map<String, NdArray> named = in.runNamed(input());
        assertEquals(List.of("relu", "sig", "x"), List.copyOf(named.keySet()));
    }

    @Test
    void rejectsAWrongInputShapeNamingInputAndShapes() {
        Interpreter in = new Interpreter(graph());
        FormworkException e = assertThrows(FormworkException.class, () -> in.run(NdArray.zeros(2, 5)));
        String msg = e.getMessage().replace(" ", "");
        assertTrue(e.getMessage().contains("input x"), e.getMessage());
        assertTrue(msg.contains("[2,5]") && msg.contains("[2,4]"), e.getMessage());
        FormworkException count = assertThrows(FormworkException.class, () -> in.run(input(), input()));
        assertTrue(count.getMessage().contains("interp") && count.getMessage().contains("1"), count.getMessage());
        assertThrows(FormworkException.class, () -> in.run());
    }

    @Test
    void observerSeesEveryNodeOutput() {
        Graph g = graph();
        IdentityHashMap<Value, NdArray> seen = new IdentityHashMap<>();
        List<String> order = new ArrayList<>();
        NdArray[] out = new Interpreter(g).run(new NdArray[] {input()}, (v, d) -> {
            assertEquals(null, seen.put(v, d.copy()), "each value once: " + v);
            assertArrayEquals(v.shape().toArray(), d.shape());
            order.add(v.name());
        });
        int expected = 0;
        for (Node n : g.nodes()) expected += n.outputs().size();
        assertEquals(expected, seen.size());
        assertEquals(List.of("mul", "add", "relu", "split:0", "split:1", "sig"), order);
        assertArrayEquals(out[0].data(), seen.get(g.value("relu")).data());
        assertArrayEquals(out[1].data(), seen.get(g.value("sig")).data());
        assertArrayEquals(new float[] {-1, 2, -3, 8, 0, -1, 3, -6}, seen.get(g.value("add")).data());
    }

    @Test
    void kernelErrorsNameTheNode() {
        Graph g = new Graph("gather");
        Value t = g.addInput("t", ValueType.f32(4, 3));
        Value idx = g.addInput("idx", new ValueType(DType.INT64, Shape.of(2)));
        g.addOutput(g.apply("Gather", "lookup", t, idx));
        FormworkException e = assertThrows(FormworkException.class,
                () -> new Interpreter(g).run(NdArray.zeros(4, 3), NdArray.ofLongs(new int[] {2}, new long[] {1, 9})));
        assertTrue(e.getMessage().contains("lookup") && e.getMessage().contains("9"), e.getMessage());
    }

    @Test
    void constantOutputsAndConstantOnlyGraphs() {
        Graph g = new Graph("k");
        Value k = g.addConstant("k", Tensor.ofFloats(Shape.of(2), 3, 4));
        Value s = g.apply("Sqrt", "s", k);
        g.addOutput(s);
        g.addOutput(k);
        NdArray[] out = new Interpreter(g).run();
        assertArrayEquals(new float[] {(float) Math.sqrt(3), 2}, out[0].data());
        assertArrayEquals(new float[] {3, 4}, out[1].data());
        assertSame(g, new Interpreter(g).graph());
        assertNotNull(out[1].toTensor());
    }

    @Test
    void ndArrayBasics() {
        NdArray a = NdArray.of(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        assertEquals(6, a.size());
        assertEquals(3, a.dim(-1));
        NdArray r = a.reshape(3, 2);
        assertSame(a.data(), r.data()); // a view
        NdArray c = a.copy();
        c.data()[0] = 9;
        assertEquals(1, a.data()[0]);
        assertThrows(IllegalArgumentException.class, () -> a.reshape(4, 2));
        assertThrows(IllegalArgumentException.class, () -> NdArray.of(new int[] {2}, new float[3]));
        assertThrows(IllegalStateException.class, a::longs);
        NdArray h = NdArray.fromTensor(Tensor.ofFloats(Shape.of(2), 1.5f, -2).cast(DType.FLOAT16));
        assertArrayEquals(new float[] {1.5f, -2}, h.data());
        NdArray i = NdArray.fromTensor(Tensor.ofInts(Shape.of(2), 7, -8));
        assertArrayEquals(new long[] {7, -8}, i.longs());
        assertTrue(a.toTensor().contentEquals(Tensor.ofFloats(Shape.of(2, 3), 1, 2, 3, 4, 5, 6)));
    }
}
