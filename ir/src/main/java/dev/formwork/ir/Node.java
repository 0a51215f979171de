package dev.formwork.ir;

import dev.formwork.ir.op.AttrSpec;
import dev.formwork.ir.op.OpDef;
import dev.formwork.ir.op.OpRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** One operation: an op from the registry, its inputs, outputs and attributes. */
public final class Node {
    private final String name;
    private final OpDef op;
    private final List<Value> inputs;
    private final List<Value> outputs = new ArrayList<>();
    private Attributes attributes;
    Graph graph;
    long seq; // insertion order, used to keep topological sorting deterministic

    Node(String name, OpDef op, List<Value> inputs, Attributes attributes) {
        this.name = name;
        this.op = op;
        this.inputs = new ArrayList<>(inputs);
        this.attributes = attributes;
    }

    public String name() {
        return name;
    }

    public OpDef op() {
        return op;
    }

    /** The op type name, e.g. {@code Conv}. */
    public String opType() {
        return op.name();
    }

    public boolean is(String opType) {
        return op.name().equals(opType);
    }

    public List<Value> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public Value input(int i) {
        return inputs.get(i);
    }

    public int inputCount() {
        return inputs.size();
    }

    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public Value output() {
        if (outputs.size() != 1) throw new IllegalStateException(name + " has " + outputs.size() + " outputs");
        return outputs.get(0);
    }

    public Value output(int i) {
        return outputs.get(i);
    }

    void addOutput(Value v) {
        outputs.add(v);
    }

    List<Value> mutableInputs() {
        return inputs;
    }

    public Graph graph() {
        return graph;
    }

    public Attributes attributes() {
        return attributes;
    }

    /** Replaces the attributes; output types are re-inferred by the caller's verifier. */
    public void setAttributes(Attributes a) {
        this.attributes = a;
    }

    /** Attribute value, or the op's declared default. */
    public Object attr(String name) {
        Object v = attributes.get(name);
        if (v != null) return v;
        AttrSpec spec = op.attribute(name);
        if (spec == null) throw new IllegalArgumentException(op.name() + " has no attribute " + name);
        if (spec.defaultValue() == null) {
            throw new FormworkException("node " + this.name + " (" + op.name() + "): missing attribute " + name);
        }
        return spec.defaultValue();
    }

    public long i(String name) {
        return (Long) attr(name);
    }

    public float f(String name) {
        return (float) (double) (Double) attr(name);
    }

    public double d(String name) {
        return (Double) attr(name);
    }

    public String s(String name) {
        return (String) attr(name);
    }

    public long[] ints(String name) {
        return ((long[]) attr(name)).clone();
    }

    public int[] intArray(String name) {
        long[] l = (long[]) attr(name);
        int[] r = new int[l.length];
        for (int k = 0; k < l.length; k++) r[k] = Math.toIntExact(l[k]);
        return r;
    }

    public double[] floats(String name) {
        return ((double[]) attr(name)).clone();
    }

    public Tensor tensor(String name) {
        return (Tensor) attr(name);
    }

    @Override
    public String toString() {
        return name + ":" + op.name();
    }

    static OpDef lookup(String opType) {
        return OpRegistry.get(opType);
    }
}
