package dev.formwork.ir;

import dev.formwork.ir.op.OpDef;
import dev.formwork.ir.op.OpRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * A dataflow graph: named inputs, constants, nodes in topological order and outputs.
 *
 * <p>Order is deterministic: nodes keep their insertion order unless a rewrite needs a node to
 * move earlier, and then a stable topological sort (ties broken by insertion order) restores a
 * valid order. Nothing here iterates a hash map.
 */
public final class Graph {
    private String name;
    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();
    private final LinkedHashMap<String, Value> constants = new LinkedHashMap<>();
    private final ArrayList<Node> nodes = new ArrayList<>();
    private final Map<String, Value> valuesByName = new HashMap<>();
    private final Set<String> nodeNames = new HashSet<>();
    private final LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
    private long nextSeq;
    private boolean dirty;

    public Graph(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** Free-form model metadata (model name, source weights sha256, input mean/std, ...). */
    public Map<String, String> metadata() {
        return metadata;
    }

    // ------------------------------------------------------------------ construction

    public Value addInput(String name, ValueType type) {
        Value v = newValue(name, type, null, null);
        inputs.add(v);
        return v;
    }

    public Value addConstant(String name, Tensor t) {
        Value v = newValue(name, t.type(), null, t);
        constants.put(v.name(), v);
        return v;
    }

    /** A constant that is a buffer, not a parameter (see {@link Value#isBuffer}). */
    public Value addBuffer(String name, Tensor t) {
        Value v = addConstant(name, t);
        v.markBuffer();
        return v;
    }

    /**
     * Adds a node at the end; its output types come from the op's shape inference. Output values
     * take the node's name (single output) or {@code name:i}.
     */
    public Node add(String opType, String nodeName, List<Value> ins, Attributes attrs) {
        OpDef op = OpRegistry.get(opType);
        String n = uniqueNodeName(nodeName);
        for (Value v : ins) {
            if (v == null) throw new IllegalArgumentException("null input to " + n);
        }
        if (ins.size() < op.minInputs() || ins.size() > op.maxInputs()) {
            throw new FormworkException("node " + n + " (" + opType + "): expects " + op.minInputs() + ".."
                    + op.maxInputs() + " inputs, got " + ins.size());
        }
        Node node = new Node(n, op, ins, attrs);
        List<ValueType> types = op.infer(node, typesOf(ins));
        if (types.size() != op.outputCount(attrs)) {
            throw new IllegalStateException(opType + " inferred " + types.size() + " outputs");
        }
        nodeNames.add(n);
        for (int i = 0; i < types.size(); i++) {
            String vn = types.size() == 1 ? n : n + ":" + i;
            Value out = newValue(vn, types.get(i), node, null);
            node.addOutput(out);
        }
        for (int i = 0; i < ins.size(); i++) ins.get(i).addUse(node, i);
        node.graph = this;
        node.seq = nextSeq++;
        nodes.add(node);
        return node;
    }

    public Node add(String opType, String nodeName, List<Value> ins) {
        return add(opType, nodeName, ins, Attributes.EMPTY);
    }

    /** Adds a single-output node and returns its output. */
    public Value apply(String opType, String nodeName, Attributes attrs, Value... ins) {
        return add(opType, nodeName, List.of(ins), attrs).output();
    }

    public Value apply(String opType, String nodeName, Value... ins) {
        return apply(opType, nodeName, Attributes.EMPTY, ins);
    }

    public void setOutputs(List<Value> outs) {
        outputs.clear();
        outputs.addAll(outs);
    }

    public void addOutput(Value v) {
        outputs.add(v);
    }

    // ------------------------------------------------------------------ rewriting

    /** Points input slot {@code index} of {@code node} at {@code v}. */
    public void setInput(Node node, int index, Value v) {
        Value old = node.mutableInputs().get(index);
        old.removeUse(node, index);
        node.mutableInputs().set(index, v);
        v.addUse(node, index);
        markDirtyIfOutOfOrder(v, node);
    }

    /** Every use of {@code old} (node inputs and graph outputs) now reads {@code repl}. */
    public void replaceAllUses(Value old, Value repl) {
        if (old == repl) return;
        for (Value.Use u : new ArrayList<>(old.users())) setInput(u.node(), u.index(), repl);
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i) == old) outputs.set(i, repl);
        }
    }

    private void markDirtyIfOutOfOrder(Value v, Node user) {
        if (v.producer() != null && v.producer().seq > user.seq) dirty = true;
    }

    /** Removes a node whose outputs are no longer used. */
    public void remove(Node node) {
        if (node.graph != this) throw new IllegalArgumentException(node + " is not in graph " + name);
        for (Value out : node.outputs()) {
            if (!out.users().isEmpty() || outputs.contains(out)) {
                throw new VerificationException("cannot remove " + node.name() + ": " + out.name() + " is still used");
            }
        }
        for (int i = 0; i < node.inputCount(); i++) node.input(i).removeUse(node, i);
        for (Value out : node.outputs()) valuesByName.remove(out.name());
        nodeNames.remove(node.name());
        node.graph = null;
        dirty = true;
    }

    /** Drops constants nobody reads; returns how many went. */
    public int removeUnusedConstants() {
        int n = 0;
        for (Value c : new ArrayList<>(constants.values())) {
            if (c.users().isEmpty() && !outputs.contains(c)) {
                constants.remove(c.name());
                valuesByName.remove(c.name());
                n++;
            }
        }
        return n;
    }

    /** Re-runs shape inference over the graph in order (after a rewrite changed attributes). */
    public void reinferTypes() {
        for (Node node : nodes()) {
            List<ValueType> types = node.op().infer(node, typesOf(node.inputs()));
            for (int i = 0; i < types.size(); i++) node.output(i).setType(types.get(i));
        }
    }

    // ------------------------------------------------------------------ queries

    public List<Value> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    public Value input(int i) {
        return inputs.get(i);
    }

    public Value output(int i) {
        return outputs.get(i);
    }

    public List<Value> constants() {
        return List.copyOf(constants.values());
    }

    public Value constant(String name) {
        return constants.get(name);
    }

    public Value value(String name) {
        return valuesByName.get(name);
    }

    /** Nodes in topological order. */
    public List<Node> nodes() {
        if (dirty) normalise();
        return Collections.unmodifiableList(nodes);
    }

    public int nodeCount() {
        return nodes().size();
    }

    /** Op type -> count, ordered by op type name. */
    public Map<String, Integer> opHistogram() {
        java.util.TreeMap<String, Integer> h = new java.util.TreeMap<>();
        for (Node n : nodes()) h.merge(n.opType(), 1, Integer::sum);
        return h;
    }

    /** Elements of all constants that are not buffers: the trained parameters. */
    public long parameterCount() {
        long n = 0;
        for (Value c : constants.values()) if (!c.isBuffer()) n += c.shape().numel();
        return n;
    }

    /** Elements of all constants (what an exported file stores). */
    public long constantElementCount() {
        long n = 0;
        for (Value c : constants.values()) n += c.shape().numel();
        return n;
    }

    public long macs() {
        long m = 0;
        for (Node n : nodes()) m += n.op().macs(n);
        return m;
    }

    public String uniqueNodeName(String base) {
        if (!nodeNames.contains(base)) return base;
        for (int i = 1; ; i++) {
            String c = base + "_" + i;
            if (!nodeNames.contains(c)) return c;
        }
    }

    public String uniqueValueName(String base) {
        if (!valuesByName.containsKey(base)) return base;
        for (int i = 1; ; i++) {
            String c = base + "_" + i;
            if (!valuesByName.containsKey(c)) return c;
        }
    }

    private Value newValue(String base, ValueType type, Node producer, Tensor constant) {
        Value v = new Value(uniqueValueName(base), type, producer, constant);
        valuesByName.put(v.name(), v);
        return v;
    }

    static List<ValueType> typesOf(List<Value> vs) {
        List<ValueType> t = new ArrayList<>(vs.size());
        for (Value v : vs) t.add(v.type());
        return t;
    }

    // ------------------------------------------------------------------ ordering

    /**
     * Drops removed nodes and restores a topological order: Kahn's algorithm, always taking the
     * ready node that was inserted first, so the result depends only on the graph.
     */
    private void normalise() {
        List<Node> live = new ArrayList<>(nodes.size());
        for (Node n : nodes) if (n.graph == this) live.add(n);
        IdentityHashMap<Node, Integer> pending = new IdentityHashMap<>();
        PriorityQueue<Node> ready = new PriorityQueue<>((a, b) -> Long.compare(a.seq, b.seq));
        for (Node n : live) {
            int deps = 0;
            for (Value v : n.inputs()) if (v.producer() != null) deps++;
            pending.put(n, deps);
            if (deps == 0) ready.add(n);
        }
        nodes.clear();
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            nodes.add(n);
            for (Value out : n.outputs()) {
                for (Value.Use u : out.users()) {
                    int left = pending.merge(u.node(), -1, Integer::sum);
                    if (left == 0) ready.add(u.node());
                }
            }
        }
        if (nodes.size() != live.size()) throw new VerificationException("graph " + name + " has a cycle");
        long s = 0;
        for (Node n : nodes) n.seq = s++;
        nextSeq = s;
        dirty = false;
    }

    /**
     * A structural copy: new nodes and values with the same names, sharing the (immutable)
     * constant tensors. Used to keep the graph before a rewrite for its numeric certificate.
     */
    public Graph copy() {
        Graph g = new Graph(name);
        g.metadata.putAll(metadata);
        IdentityHashMap<Value, Value> map = new IdentityHashMap<>();
        for (Value v : inputs) map.put(v, g.addInput(v.name(), v.type()));
        for (Value c : constants.values()) {
            Value k = c.isBuffer() ? g.addBuffer(c.name(), c.constant()) : g.addConstant(c.name(), c.constant());
            map.put(c, k);
        }
        for (Node n : nodes()) {
            List<Value> ins = new ArrayList<>();
            for (Value v : n.inputs()) ins.add(map.get(v));
            Node m = g.add(n.opType(), n.name(), ins, n.attributes());
            for (int i = 0; i < n.outputs().size(); i++) map.put(n.output(i), m.output(i));
        }
        for (Value v : outputs) g.addOutput(map.get(v));
        return g;
    }
}
