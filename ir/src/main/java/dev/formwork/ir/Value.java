package dev.formwork.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A named SSA value: a graph input, a constant, or the output of exactly one node.
 * It knows its producer and its users so rewrites can replace uses in O(users).
 */
public final class Value {
    /** One use of a value: input slot {@code index} of {@code node}. */
    public record Use(Node node, int index) {}

    private final String name;
    private ValueType type;
    private Node producer;
    private final Tensor constant;
    private final List<Use> users = new ArrayList<>();
    private boolean buffer;

    Value(String name, ValueType type, Node producer, Tensor constant) {
        this.name = name;
        this.type = type;
        this.producer = producer;
        this.constant = constant;
    }

    public String name() {
        return name;
    }

    public ValueType type() {
        return type;
    }

    public DType dtype() {
        return type.dtype();
    }

    public Shape shape() {
        return type.shape();
    }

    void setType(ValueType t) {
        this.type = t;
    }

    /** The node that computes this value, or null for graph inputs and constants. */
    public Node producer() {
        return producer;
    }

    void setProducer(Node n) {
        this.producer = n;
    }

    public boolean isConstant() {
        return constant != null;
    }

    /** The constant's data, or null when this value is computed. */
    public Tensor constant() {
        return constant;
    }

    /**
     * A constant that is a checkpoint buffer (BatchNorm running statistics, index tables) rather
     * than a trained parameter; buffers are left out of the parameter count.
     */
    public boolean isBuffer() {
        return buffer;
    }

    void markBuffer() {
        this.buffer = true;
    }

    public List<Use> users() {
        return Collections.unmodifiableList(users);
    }

    /** Distinct nodes that read this value, in first-use order. */
    public List<Node> userNodes() {
        List<Node> out = new ArrayList<>();
        for (Use u : users) {
            if (!out.contains(u.node())) out.add(u.node());
        }
        return out;
    }

    void addUse(Node n, int index) {
        users.add(new Use(n, index));
    }

    void removeUse(Node n, int index) {
        for (int i = 0; i < users.size(); i++) {
            Use u = users.get(i);
            if (u.node() == n && u.index() == index) {
                users.remove(i);
                return;
            }
        }
        throw new VerificationException("value " + name + " has no use by " + n.name() + "#" + index);
    }

    @Override
    public String toString() {
        return "%" + name + ":" + type;
    }
}
