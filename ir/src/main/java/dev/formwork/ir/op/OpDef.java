package dev.formwork.ir.op;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Node;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one definition of an op: name, inputs, typed attributes with defaults, shape and dtype
 * inference, the reference kernel and its multiply-accumulate count. The interpreter, the
 * verifier, {@code inspect} and the exporters' capability checks all read this definition.
 *
 * <p>Subclasses declare inputs and attributes in their constructor and implement
 * {@link #infer} and {@link #compute}.
 */
public abstract class OpDef {
    private final String name;
    private final String summary;
    private int minInputs = 1;
    private int maxInputs = 1;
    private int outputs = 1;
    private final Map<String, AttrSpec> attrs = new LinkedHashMap<>();

    protected OpDef(String name, String summary) {
        this.name = name;
        this.summary = summary;
    }

    protected final void inputs(int min, int max) {
        this.minInputs = min;
        this.maxInputs = max;
    }

    protected final void inputs(int exactly) {
        inputs(exactly, exactly);
    }

    protected final void outputs(int n) {
        this.outputs = n;
    }

    protected final void attr(String name, AttrType type, Object defaultValue, String doc) {
        Object d = defaultValue == null ? null : Attributes.of("x", defaultValue).get("x");
        attrs.put(name, new AttrSpec(name, type, d, doc));
    }

    public final String name() {
        return name;
    }

    public final String summary() {
        return summary;
    }

    public final int minInputs() {
        return minInputs;
    }

    public final int maxInputs() {
        return maxInputs;
    }

    /** Number of outputs a node with these attributes has (Split overrides this). */
    public int outputCount(Attributes attributes) {
        return outputs;
    }

    public final AttrSpec attribute(String name) {
        return attrs.get(name);
    }

    public final Collection<AttrSpec> attributes() {
        return Collections.unmodifiableCollection(attrs.values());
    }

    /**
     * Output types for the given node and input types. Throws {@link FormworkException} naming
     * the node when the inputs do not fit.
     */
    public abstract List<ValueType> infer(Node node, List<ValueType> inputs);

    /** Reference kernel: float32 (or int64) arrays in, arrays out, in NCHW. */
    public abstract NdArray[] compute(Node node, NdArray[] inputs);

    /** Multiply-accumulates of one execution (0 for ops that are not counted). */
    public long macs(Node node) {
        return 0;
    }

    /** A shape or type error at this node, as one line. */
    protected static FormworkException error(Node node, String message) {
        return new FormworkException("node " + node.name() + " (" + node.opType() + "): " + message);
    }

    /**
     * {@code axis} (negative counts from the end) normalised against {@code shape}; an axis out
     * of range is this node's error, as one line.
     */
    protected static int axis(Node node, dev.formwork.ir.Shape shape, long axis) {
        try {
            return shape.axis((int) axis);
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    protected static List<ValueType> one(ValueType t) {
        return List.of(t);
    }

    @Override
    public String toString() {
        return name;
    }
}
