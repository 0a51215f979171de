package dev.formwork.exporters.onnx.lower;

import com.google.protobuf.UnsafeByteOperations;
import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.exporters.onnx.OnnxTypes;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.proto.onnx.OnnxProto.GraphProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Lowers a whole IR graph to an ONNX GraphProto: graph inputs, then every node in the graph's
 * topological order through its {@link OpWriter}, then the outputs.
 *
 * <p>Names: IR values keep their names (constants are named after their checkpoint keys), so the
 * ONNX file reads like the checkpoint. Everything the lowering invents gets a name derived from
 * the IR node or constant it came from, made unique against every IR name up front, so no
 * invented name can shadow a real one.
 *
 * <p>Precision: with {@code compute = FLOAT16} float initializers are stored as float16 and all
 * float activations are float16; the float32 graph input is cast right after entry and each
 * float output is cast back to float32 just before it leaves. The whole graph stays float16 even
 * where ONNX Runtime's CPU provider has no float16 kernel (measured with ORT 1.29: it has them
 * for MatMul, Gemm, LayerNormalization and data movement only): ORT's own InsertCastTransformer
 * runs such nodes in float32 between Casts at load time, so islands written into the file would
 * only duplicate that and take float16 away from devices that have the kernels.
 *
 * <p>Memory: initializer bytes are the tensor's own buffer wrapped with
 * {@link UnsafeByteOperations#unsafeWrap} (no copy); only tensors the lowering re-lays out
 * (transposed, cast to float16) get a new buffer, one per tensor.
 */
public final class GraphLowering {
    final Graph graph;
    final int opset;
    final DType compute;
    final GraphProto.Builder out = GraphProto.newBuilder();
    private final IdentityHashMap<Value, String> names = new IdentityHashMap<>();
    private final Set<String> usedValueNames = new HashSet<>();
    private final Set<String> usedNodeNames = new HashSet<>();
    private final Set<String> claimedNodeNames = new HashSet<>();
    private final Map<String, String> derived = new HashMap<>();

    private GraphLowering(Graph graph, int opset, DType compute) {
        this.graph = graph;
        this.opset = opset;
        this.compute = compute;
    }

    /** The ONNX graph for {@code graph} at {@code opset}, computing in {@code compute} precision. */
    public static GraphProto lower(Graph graph, int opset, DType compute) {
        GraphLowering l = new GraphLowering(graph, opset, compute);
        l.run();
        return l.out.build();
    }

    private boolean half() {
        return compute == DType.FLOAT16;
    }

    /** The element type a value of IR type {@code t} has inside the ONNX graph. */
    DType inside(DType t) {
        return t.isFloat() ? compute : t;
    }

    private void run() {
        for (Value v : graph.inputs()) usedValueNames.add(v.name());
        for (Value c : graph.constants()) usedValueNames.add(c.name());
        for (Node n : graph.nodes()) {
            usedNodeNames.add(n.name());
            for (Value v : n.outputs()) usedValueNames.add(v.name());
        }
        for (Value v : graph.inputs()) {
            out.addInput(OnnxTypes.valueInfo(v.name(), v.dtype(), v.shape()));
            if (half() && v.dtype().isFloat()) {
                String inner = freshValue(v.name() + ".fp16");
                emitNode("Cast", freshNode(v.name() + "/Cast"), List.of(v.name()), List.of(inner),
                        OnnxAttrs.i("to", OnnxTypes.elemType(compute)));
                names.put(v, inner);
            } else {
                names.put(v, v.name());
            }
        }
        for (Value v : graph.outputs()) {
            if (v.producer() != null && half() && v.dtype().isFloat() && !names.containsKey(v)) {
                names.put(v, freshValue(v.name() + ".fp16"));
            }
        }
        for (Node n : graph.nodes()) {
            OpWriter w = LoweringTable.writer(n.opType());
            if (w == null) throw new FormworkException("node " + n.name() + " (" + n.opType() + "): not supported by the onnx exporter");
            w.write(n, new Emit(this, n));
            for (Value v : n.outputs()) {
                if (!graph.outputs().contains(v)) out.addValueInfo(OnnxTypes.valueInfo(name(v), inside(v.dtype()), v.shape()));
            }
        }
        Set<String> declared = new HashSet<>();
        for (Value v : graph.outputs()) {
            if (!declared.add(v.name())) throw new FormworkException("graph " + graph.name() + ": output " + v.name() + " is listed twice");
            String inner = operand(v);
            if (!inner.equals(v.name())) {
                if (half() && v.dtype().isFloat()) {
                    emitNode("Cast", freshNode(v.name() + "/Cast"), List.of(inner), List.of(v.name()),
                            OnnxAttrs.i("to", OnnxTypes.elemType(v.dtype())));
                    out.addValueInfo(OnnxTypes.valueInfo(inner, compute, v.shape()));
                } else {
                    emitNode("Identity", freshNode(v.name() + "/Identity"), List.of(inner), List.of(v.name()));
                }
            } else if (v.producer() == null) {
                // A graph input or an initializer listed as an output: give it its own node.
                String copy = freshValue(v.name() + ".out");
                emitNode("Identity", freshNode(v.name() + "/Identity"), List.of(inner), List.of(copy));
                out.addOutput(OnnxTypes.valueInfo(copy, inside(v.dtype()), v.shape()));
                continue;
            }
            out.addOutput(OnnxTypes.valueInfo(v.name(), v.dtype(), v.shape()));
        }
        out.setName(graph.name());
    }

    // ------------------------------------------------------------------ names

    String freshValue(String base) {
        String n = base;
        for (int i = 1; !usedValueNames.add(n); i++) n = base + "_" + i;
        return n;
    }

    String freshNode(String base) {
        String n = base;
        for (int i = 1; !usedNodeNames.add(n); i++) n = base + "_" + i;
        return n;
    }

    /** The IR node's own name for the ONNX node that produces its output (once), else a fresh variant. */
    String primaryNodeName(Node n) {
        return claimedNodeNames.add(n.name()) ? n.name() : freshNode(n.name());
    }

    /** The ONNX name a node writes for {@code v} (its IR name unless fp16 reroutes an output). */
    String name(Value v) {
        return names.getOrDefault(v, v.name());
    }

    /** The ONNX name of {@code v} as an operand; constants become initializers on first use. */
    String operand(Value v) {
        if (v.isConstant() && !names.containsKey(v)) {
            Tensor t = v.constant();
            names.put(v, addInitializer(v.name(), t.dtype().isFloat() ? t.cast(compute) : t));
        }
        String n = names.get(v);
        if (n == null && v.producer() == null) throw new IllegalStateException("value " + v.name() + " has no ONNX name");
        return n == null ? v.name() : n;
    }

    /**
     * An initializer derived from another (a transposed or re-shaped copy), made once per key and
     * reused by every node that asks for the same derivation.
     */
    String derivedInitializer(String key, String name, Supplier<Tensor> make) {
        String have = derived.get(key);
        if (have != null) return have;
        Tensor t = make.get();
        String n = addInitializer(freshValue(name), t.dtype().isFloat() ? t.cast(compute) : t);
        derived.put(key, n);
        return n;
    }

    /** Adds a raw_data initializer; the name must already be reserved or be the constant's own. */
    String addInitializer(String name, Tensor t) {
        usedValueNames.add(name);
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(OnnxTypes.elemType(t.dtype()));
        for (int d : t.shape().toArray()) b.addDims(d);
        // Zero-copy: the ByteString is a view of the tensor's (possibly memory-mapped) buffer.
        b.setRawData(UnsafeByteOperations.unsafeWrap(t.data()));
        out.addInitializer(b);
        return name;
    }

    void emitNode(String opType, String nodeName, List<String> ins, List<String> outs, dev.formwork.proto.onnx.OnnxProto.AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(nodeName).setOpType(opType).addAllInput(ins).addAllOutput(outs);
        for (var a : attrs) b.addAttribute(a);
        out.addNode(b);
    }
}
