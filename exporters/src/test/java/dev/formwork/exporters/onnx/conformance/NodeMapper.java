package dev.formwork.exporters.onnx.conformance;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.onnx.OnnxProto.AttributeProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The IR equivalent of one ONNX node-test model: data operands become graph inputs, weight-like
 * operands (Conv/BatchNorm/LayerNorm/Gemm parameters, index tables, shape vectors) become IR
 * constants or attributes, as they are in a real model. Throws {@link Unmapped} for features the
 * IR does not have (ceil_mode, dilated pooling, auto_pad, alpha/beta Gemm, 1-D MatMul ...).
 */
final class NodeMapper {
    /** An IR graph plus the case arrays that feed its inputs, in order. */
    record Mapped(Graph graph, List<NdArray> feeds, int comparedOutputs) {}

    static final class Unmapped extends RuntimeException {
        Unmapped(String why) {
            super(why);
        }
    }

    private final NodeCase c;
    private final NodeProto n;
    private final Graph g;
    private final List<NdArray> feeds = new ArrayList<>();

    private NodeMapper(NodeCase c) {
        this.c = c;
        this.n = c.node();
        this.g = new Graph(c.name());
    }

    static Mapped map(NodeCase c) {
        return new NodeMapper(c).run();
    }

    private Value data(int i) {
        NdArray a = c.arg(i);
        feeds.add(a);
        return g.addInput(n.getInput(i), new ValueType(a.dtype(), Shape.of(a.shape())));
    }

    private Value constant(int i) {
        return g.addConstant(n.getInput(i), c.arg(i).toTensor());
    }

    private Value constant(String name, NdArray a) {
        return g.addConstant(name, a.toTensor());
    }

    private long[] longs(int i) {
        return c.arg(i).longs();
    }

    private Mapped done(Value... outs) {
        for (Value v : outs) g.addOutput(v);
        return new Mapped(g, feeds, outs.length);
    }

    private Mapped run() {
        String op = n.getOpType();
        String name = "node";
        return switch (op) {
            case "Add", "Sub", "Mul", "Div", "Pow" -> done(g.apply(op, name, data(0), data(1)));
            case "Relu", "Erf", "Tanh", "Sigmoid", "Sqrt", "Identity" -> done(g.apply(op, name, data(0)));
            case "Gelu" -> done(g.apply("Gelu", name, Attributes.of("approximate", str("approximate", "none")), data(0)));
            case "Conv" -> conv();
            case "AveragePool" -> averagePool();
            case "BatchNormalization" -> {
                if (integer("training_mode", 0) != 0) throw new Unmapped("training mode");
                yield done(g.apply("BatchNorm", name, Attributes.of("epsilon", (double) flt("epsilon", 1e-5f)),
                        data(0), constant(1), constant(2), constant(3), constant(4)));
            }
            case "LayerNormalization" -> {
                Value x = data(0);
                Value scale = constant(1);
                Value bias = c.has(2) ? constant(2) : constant("zeros", NdArray.zeros(c.arg(1).shape()));
                // The IR LayerNorm has one output; the case's Mean / InvStdDev outputs are not compared.
                yield done(g.apply("LayerNorm", name, Attributes.of("axis", integer("axis", -1),
                        "epsilon", (double) flt("epsilon", 1e-5f)), x, scale, bias));
            }
            case "MatMul" -> {
                if (c.arg(0).rank() < 2 || c.arg(1).rank() < 2) throw new Unmapped("1-D MatMul operand");
                yield done(g.apply("MatMul", name, data(0), data(1)));
            }
            case "Gemm" -> gemm();
            case "Softmax" -> done(g.apply("Softmax", name, Attributes.of("axis", integer("axis", -1)), data(0)));
            case "ReduceMean" -> reduceMean();
            case "Reshape" -> reshape();
            case "Transpose" -> {
                int r = c.arg(0).rank();
                long[] perm = has("perm") ? ints("perm") : IntStream.range(0, r).mapToLong(i -> r - 1 - i).toArray();
                yield done(g.apply("Transpose", name, Attributes.of("perm", perm), data(0)));
            }
            case "Flatten" -> {
                int[] s = c.arg(0).shape();
                int axis = (int) integer("axis", 1);
                if (axis < 0) axis += s.length;
                Shape x = Shape.of(s);
                yield done(g.apply("Reshape", name, Attributes.of("shape", new long[] {x.product(0, axis), x.product(axis, s.length)}), data(0)));
            }
            case "Split" -> split();
            case "Slice" -> slice();
            case "Concat" -> {
                List<Value> ins = new ArrayList<>();
                for (int i = 0; i < n.getInputCount(); i++) ins.add(data(i));
                yield done(g.add("Concat", name, ins, Attributes.of("axis", integer("axis", 0))).output());
            }
            case "SpaceToDepth" -> done(g.apply("SpaceToDepth", name, Attributes.of("blocksize", integer("blocksize", 1)), data(0)));
            case "Gather" -> done(g.apply("Gather", name, Attributes.of("axis", integer("axis", 0)), data(0), constant(1)));
            case "Constant" -> done(g.apply("Constant", name, Attributes.of("value", NodeCase.toArray(attr("value").getT()).toTensor())));
            default -> throw new Unmapped("no IR equivalent mapped for " + op);
        };
    }

    private Mapped conv() {
        if (!str("auto_pad", "NOTSET").equals("NOTSET")) throw new Unmapped("auto_pad");
        List<Value> ins = new ArrayList<>(List.of(data(0), constant(1)));
        if (c.has(2)) ins.add(constant(2));
        Attributes a = Attributes.of("strides", ints("strides", 1, 1), "pads", ints("pads", 0, 0, 0, 0),
                "dilations", ints("dilations", 1, 1), "groups", integer("group", 1));
        return done(g.add("Conv", "node", ins, a).output());
    }

    private Mapped averagePool() {
        if (c.arg(0).rank() != 4) throw new Unmapped("not 2-D pooling");
        if (!str("auto_pad", "NOTSET").equals("NOTSET")) throw new Unmapped("auto_pad");
        if (integer("ceil_mode", 0) != 0) throw new Unmapped("ceil_mode");
        if (has("dilations") && Arrays.stream(ints("dilations")).anyMatch(d -> d != 1)) throw new Unmapped("dilations");
        return done(g.apply("AveragePool", "node", Attributes.of("kernel", ints("kernel_shape"), "strides", ints("strides", 1, 1),
                "pads", ints("pads", 0, 0, 0, 0), "count_include_pad", integer("count_include_pad", 0)), data(0)));
    }

    /** Gemm that is a Linear layer: alpha = beta = 1, no transA, bias a vector over the output columns. */
    private Mapped gemm() {
        if (flt("alpha", 1f) != 1f || flt("beta", 1f) != 1f) throw new Unmapped("alpha/beta");
        if (integer("transA", 0) != 0) throw new Unmapped("transA");
        NdArray b = c.arg(1);
        NdArray w = integer("transB", 0) != 0 ? b : dev.formwork.ir.op.ShapeOps.permute(b, new int[] {1, 0});
        int out = w.dim(0);
        List<Value> ins = new ArrayList<>(List.of(data(0), constant(n.getInput(1), w)));
        if (c.has(2)) {
            NdArray bias = c.arg(2);
            if (bias.size() != out || (bias.rank() == 2 && bias.dim(0) != 1)) throw new Unmapped("bias is not a [N] / [1,N] vector");
            ins.add(constant(n.getInput(2), bias.reshape(out)));
        }
        return done(g.add("Linear", "node", ins, Attributes.EMPTY).output());
    }

    private Mapped reduceMean() {
        int r = c.arg(0).rank();
        long[] axes = c.opset() >= 18 ? (c.has(1) ? longs(1) : new long[0]) : (has("axes") ? ints("axes") : new long[0]);
        if (axes.length == 0) {
            if (integer("noop_with_empty_axes", 0) != 0) throw new Unmapped("noop_with_empty_axes");
            axes = IntStream.range(0, r).asLongStream().toArray();
        }
        return done(g.apply("ReduceMean", "node", Attributes.of("axes", axes, "keepdims", integer("keepdims", 1)), data(0)));
    }

    /** ONNX Reshape: 0 copies the input dimension unless allowzero = 1 (the IR's 0 is always literal). */
    private Mapped reshape() {
        long[] shape = longs(1).clone();
        int[] in = c.arg(0).shape();
        if (integer("allowzero", 0) == 0) {
            for (int i = 0; i < shape.length; i++) if (shape[i] == 0) shape[i] = in[i];
        }
        return done(g.apply("Reshape", "node", Attributes.of("shape", shape), data(0)));
    }

    private Mapped split() {
        int[] s = c.arg(0).shape();
        int axis = (int) integer("axis", 0);
        int dim = s[axis < 0 ? axis + s.length : axis];
        long[] sizes;
        if (c.has(1)) {
            sizes = longs(1);
        } else if (has("split")) {
            sizes = ints("split");
        } else {
            int parts = has("num_outputs") ? (int) integer("num_outputs", 0) : n.getOutputCount();
            int each = (dim + parts - 1) / parts;
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) sizes[i] = Math.max(0, Math.min(each, dim - i * each));
        }
        Node node = g.add("Split", "node", List.of(data(0)), Attributes.of("axis", (long) axis, "split", sizes));
        return done(node.outputs().toArray(new Value[0]));
    }

    private Mapped slice() {
        long[] starts = longs(1), ends = longs(2);
        long[] axes = c.has(3) ? longs(3) : IntStream.range(0, starts.length).asLongStream().toArray();
        long[] steps = c.has(4) ? longs(4) : new long[0];
        return done(g.apply("Slice", "node", Attributes.of("axes", axes, "starts", starts, "ends", ends, "steps", steps), data(0)));
    }

    // ------------------------------------------------------------------ ONNX attributes

    private AttributeProto attr(String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a;
        return null;
    }

    private boolean has(String name) {
        return attr(name) != null;
    }

    private long integer(String name, long dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getI();
    }

    private float flt(String name, float dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getF();
    }

    private String str(String name, String dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    private long[] ints(String name, long... dflt) {
        AttributeProto a = attr(name);
        return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }
}
