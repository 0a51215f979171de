package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.exporters.onnx.OnnxTypes;
import dev.formwork.exporters.onnx.TensorBytes;
import dev.formwork.ir.DType;
import dev.formwork.ir.Half;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.proto.onnx.OnnxProto.AttributeProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * What a writer sees while lowering one IR node: the ONNX names of the node's operands and
 * results, helpers for constant operands (shape vectors, scalars, re-laid-out weights) and a way
 * to add ONNX nodes.
 *
 * <p>Naming: the ONNX node that produces an IR output is named after the IR node; intermediate
 * nodes of a decomposition are named {@code <ir node>/<OpType>} and so are their values.
 */
public final class Emit {
    private final GraphLowering g;
    private final Node node;

    Emit(GraphLowering g, Node node) {
        this.g = g;
        this.node = node;
    }

    public int opset() {
        return g.opset;
    }

    /** Element type of float activations inside the graph (float32, or float16 for --precision fp16). */
    public DType compute() {
        return g.compute;
    }

    /** ONNX name of input {@code i} (a constant input becomes an initializer on first use). */
    public String in(int i) {
        return g.operand(node.input(i));
    }

    public boolean hasInput(int i) {
        return i < node.inputCount();
    }

    public Value input(int i) {
        return node.input(i);
    }

    /** ONNX name of output {@code i}. */
    public String out(int i) {
        return g.name(node.output(i));
    }

    public String out() {
        return out(0);
    }

    /** Adds a node writing the given names (the IR outputs, usually). */
    public void op(String opType, List<String> ins, List<String> outs, AttributeProto... attrs) {
        boolean producesIrValue = false;
        for (Value v : node.outputs()) producesIrValue |= outs.contains(g.name(v));
        String name = producesIrValue ? g.primaryNodeName(node) : g.freshNode(node.name() + "/" + opType);
        g.emitNode(opType, name, ins, outs, attrs);
    }

    /** The single-output node that produces this IR node's output. */
    public void result(String opType, List<String> ins, AttributeProto... attrs) {
        op(opType, ins, List.of(out()), attrs);
    }

    /** An intermediate node of a decomposition; returns its (fresh) output name. */
    public String tmp(String opType, List<String> ins, AttributeProto... attrs) {
        String v = g.freshValue(node.name() + "/" + opType);
        op(opType, ins, List.of(v), attrs);
        return v;
    }

    // ------------------------------------------------------------------ constant operands

    /** A 1-D int64 initializer named {@code <node>.<suffix>} (shapes, axes, split sizes, ...). */
    public String int64s(String suffix, long... values) {
        return g.addInitializer(g.freshValue(node.name() + "." + suffix), Tensor.ofLongs(Shape.of(values.length), values));
    }

    /** A 1-D float32 initializer named {@code <node>.<suffix>}; stays float32 in fp16 exports (Resize scales). */
    public String float32s(String suffix, float... values) {
        return g.addInitializer(g.freshValue(node.name() + "." + suffix), Tensor.ofFloats(Shape.of(values.length), values));
    }

    /**
     * A scalar in the compute precision, named {@code <node>.<suffix>}. One per use rather than
     * shared, so each decomposition is self-contained and reads like the formula it writes.
     */
    public String scalar(String suffix, double value) {
        Tensor t;
        if (g.compute == DType.FLOAT16) {
            ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(0, Half.fromFloat((float) value));
            t = Tensor.wrap(DType.FLOAT16, Shape.SCALAR, b);
        } else {
            t = Tensor.scalar((float) value);
        }
        return g.addInitializer(g.freshValue(node.name() + "." + suffix), t);
    }

    /**
     * Input {@code i}, a [r, c] matrix, as [c, r]: a transposed copy {@code <key>.T} for a constant
     * (made once however many nodes use it), a Transpose node otherwise.
     */
    public String transposed(int i) {
        Value v = node.input(i);
        if (v.isConstant()) {
            return g.derivedInitializer(v.name() + ".T", v.name() + ".T", () -> TensorBytes.transpose2d(v.constant()));
        }
        return tmp("Transpose", List.of(in(i)), OnnxAttrs.ints("perm", 1, 0));
    }

    /**
     * Input {@code i} with shape {@code shape}: the constant itself when it already has that shape,
     * else a view of its bytes under a new shape ({@code <key>.reshaped}), or a Reshape node for a
     * computed value.
     */
    public String reshaped(int i, Shape shape) {
        Value v = node.input(i);
        if (v.shape().equals(shape)) return in(i);
        if (v.isConstant()) {
            return g.derivedInitializer(v.name() + ".reshaped" + shape, v.name() + ".reshaped", () -> v.constant().reshape(shape));
        }
        return tmp("Reshape", List.of(in(i), int64s("shape", shape.toLongArray())));
    }

    /** Writes {@code t} as the initializer that is this node's output (IR Constant nodes). */
    public void initializerForOutput(Tensor t) {
        g.addInitializer(out(), t.dtype().isFloat() ? t.cast(g.compute) : t);
    }

    /** The ONNX element type number of an IR dtype as it appears inside this graph. */
    public int elemTypeInside(DType t) {
        return OnnxTypes.elemType(g.inside(t));
    }

    /** Convenience: a list of names. */
    public static List<String> names(String... n) {
        List<String> l = new ArrayList<>(n.length);
        for (String s : n) l.add(s);
        return l;
    }
}
