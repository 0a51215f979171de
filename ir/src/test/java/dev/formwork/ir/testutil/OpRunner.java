package dev.formwork.ir.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one op through the public path: a one-node graph whose inputs are graph inputs, verified,
 * then executed by the interpreter (which also checks the kernel's shapes against inference).
 */
public final class OpRunner {
    private OpRunner() {}

    public static NdArray[] runAll(String op, Attributes attrs, NdArray... inputs) {
        Graph g = new Graph("t_" + op);
        List<Value> ins = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            ins.add(g.addInput("in" + i, new ValueType(inputs[i].dtype(), Shape.of(inputs[i].shape()))));
        }
        Node n = g.add(op, "node_" + op, ins, attrs);
        for (Value v : n.outputs()) g.addOutput(v);
        GraphVerifier.verify(g);
        return new Interpreter(g).run(inputs);
    }

    public static NdArray run(String op, Attributes attrs, NdArray... inputs) {
        NdArray[] r = runAll(op, attrs, inputs);
        assertEquals(1, r.length, op + " output count");
        return r[0];
    }

    public static NdArray run(String op, NdArray... inputs) {
        return run(op, Attributes.EMPTY, inputs);
    }

    /** The inferred output types of one node with these input types. */
    public static List<ValueType> inferAll(String op, Attributes attrs, ValueType... inputs) {
        Graph g = new Graph("infer");
        List<Value> ins = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) ins.add(g.addInput("in" + i, inputs[i]));
        Node n = g.add(op, "n", ins, attrs);
        List<ValueType> out = new ArrayList<>();
        for (Value v : n.outputs()) out.add(v.type());
        return out;
    }

    public static Shape inferShape(String op, Attributes attrs, ValueType... inputs) {
        List<ValueType> t = inferAll(op, attrs, inputs);
        assertEquals(1, t.size());
        return t.get(0).shape();
    }

    /** Asserts that adding the node fails with a FormworkException whose message names the node. */
    public static FormworkException assertRejected(String op, Attributes attrs, ValueType... inputs) {
        String nodeName = "bad." + op.toLowerCase() + "_7";
        Graph g = new Graph("bad");
        List<Value> ins = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) ins.add(g.addInput("in" + i, inputs[i]));
        FormworkException e = assertThrows(FormworkException.class, () -> g.add(op, nodeName, ins, attrs),
                op + " should reject " + ins);
        assertTrue(e.getMessage().contains(nodeName), "message should name the node: " + e.getMessage());
        return e;
    }

    public static ValueType f32(int... dims) {
        return ValueType.f32(dims);
    }

    public static ValueType i64(int... dims) {
        return new ValueType(DType.INT64, Shape.of(dims));
    }

    public static Shape shape(int... dims) {
        return Shape.of(dims);
    }
}
