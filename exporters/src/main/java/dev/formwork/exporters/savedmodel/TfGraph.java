package dev.formwork.exporters.savedmodel;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Half;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.passes.layout.LayoutReport;
import dev.formwork.proto.tensorflow.SavedModelProto.AttrValue;
import dev.formwork.proto.tensorflow.SavedModelProto.DataType;
import dev.formwork.proto.tensorflow.SavedModelProto.NodeDef;
import dev.formwork.proto.tensorflow.SavedModelProto.TensorProto;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What a writer sees while it lowers one IR node: the TensorFlow tensor ("node" or "node:k") of
 * every IR value (constants become Const nodes on first use), helpers for new constants, and
 * {@link #op} to append a NodeDef. Nodes are appended in IR order, so the GraphDef reads in the
 * graph's order and identical graphs give identical bytes.
 *
 * <p>Weights are Const nodes (see the package doc for why not variables/); filters whose axes
 * are permuted are made only when their node is written ({@link #constantPermuted}). fp16: every
 * float32 weight is a DT_HALF Const read through a Cast to DT_FLOAT, which TensorFlow's constant
 * folding evaluates once at load, so compute and I/O stay float32. Scalars and shapes the writers
 * make (epsilons, axes) stay float32/int32.
 */
final class TfGraph {
    /** Signature and node names of the model's interface. */
    static final String INPUT = "input", OUTPUT = "logits";

    final Graph graph;
    final ExportOptions options;
    final boolean fp16;
    final List<NodeDef> nodes = new ArrayList<>();
    private final IdentityHashMap<Value, String> tensors = new IdentityHashMap<>();
    private final Map<String, String> derived = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final IdentityHashMap<Node, Boolean> adjMarkers = new IdentityHashMap<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    /** Const node name -> its weight bytes, made when the node is written. */
    private final Map<String, Supplier<ByteString>> deferred = new HashMap<>();
    private ByteBuffer zeros = ByteBuffer.allocate(0);

    TfGraph(Graph graph, ExportOptions options) {
        this.graph = graph;
        this.options = options;
        this.fp16 = options.precision() == ExportOptions.Precision.FP16;
        names.add(OUTPUT);
        for (int i = 1; i < graph.outputs().size(); i++) names.add("output_" + i);
        for (Node n : graph.nodes()) if (LayoutReport.isAdjMarker(graph, n)) adjMarkers.put(n, true);
    }

    /** True for a last-two-axes Transpose that only MatMuls read: BatchMatMulV2's adj flag replaces it. */
    boolean isAdjMarker(Node n) {
        return adjMarkers.containsKey(n);
    }

    /** The tensor holding IR value {@code v}. */
    String tensor(Value v) {
        String t = tensors.get(v);
        if (t != null) return t;
        if (!v.isConstant()) throw new IllegalStateException("value " + v.name() + " read before it was written");
        t = constant(v.name(), v.constant());
        tensors.put(v, t);
        return t;
    }

    /** Makes {@code v} the tensor {@code ref} (the writer of v's node, or an op that moves nothing). */
    void bind(Value v, String ref) {
        if (tensors.containsKey(v)) throw new IllegalStateException("value " + v.name() + " written twice");
        tensors.put(v, ref);
        shape(ref, v.shape());
    }

    /** Records the shape of tensor {@code ref} for its node's {@code _output_shapes}. */
    void shape(String ref, Shape s) {
        shapes.put(ref.indexOf(':') < 0 ? ref + ":0" : ref, s);
    }

    /**
     * The nodes with {@code _output_shapes} (TensorFlow's attribute for tools, ignored by the
     * runtime) on every node whose outputs carry an IR value, so that {@code inspect} can count
     * MACs from the file alone.
     */
    List<NodeDef> finish() {
        List<NodeDef> out = new ArrayList<>(nodes.size());
        for (NodeDef n : nodes) {
            AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
            for (int k = 0; shapes.containsKey(n.getName() + ":" + k); k++) l.addShape(TfAttrs.shapeProto(shapes.get(n.getName() + ":" + k)));
            out.add(l.getShapeCount() == 0 || n.getOp().equals("Const") ? n : n.toBuilder().putAttr("_output_shapes", AttrValue.newBuilder().setList(l).build()).build());
        }
        return out;
    }

    /** Appends a node named after {@code hint} (made unique) and returns its name, which is its output 0. */
    String op(String op, String hint, TfAttrs attrs, String... inputs) {
        String name = unique(hint);
        NodeDef.Builder b = NodeDef.newBuilder().setName(name).setOp(op);
        for (String in : inputs) b.addInput(in);
        b.putAllAttr(attrs.map);
        nodes.add(b.build());
        return name;
    }

    /** Appends the op computing IR node {@code n}'s (single) output and binds it. */
    String emit(Node n, String op, TfAttrs attrs, String... inputs) {
        String name = op(op, n.name(), attrs, inputs);
        bind(n.output(), name);
        return name;
    }

    /** A weight constant (DT_HALF + Cast under fp16). */
    String constant(String name, Tensor t) {
        if (t.dtype() == DType.FLOAT32 && fp16) return cast(name, constNode(name + "/fp16", t.cast(DType.FLOAT16)));
        return constNode(name, t.dtype() == DType.INT64 ? t.cast(DType.INT32) : t);
    }

    /** The float32 reading of DT_HALF tensor {@code half}. */
    private String cast(String name, String half) {
        return op("Cast", name, TfAttrs.of().type("SrcT", DataType.DT_HALF).type("DstT", DataType.DT_FLOAT).b("Truncate", false), half);
    }

    /**
     * Weight {@code v} with its axes permuted by {@code perm} and reshaped to {@code shape}, made
     * once per (value, perm). The permuted bytes are made only when the node is written
     * ({@link #content}): the Const node holds zeros of their length until then, so the filters
     * of a large model are not all copied at once.
     */
    String constantPermuted(Value v, int[] perm, Shape shape, String suffix) {
        String key = v.name() + "#" + java.util.Arrays.toString(perm) + shape;
        String t = derived.get(key);
        if (t == null) {
            // Filters are float: float32, or DT_HALF read through a Cast under fp16.
            Tensor src = v.constant();
            DType stored = fp16 ? DType.FLOAT16 : DType.FLOAT32;
            String name = v.name() + suffix;
            String c = constNode(fp16 ? name + "/fp16" : name, stored, shape, placeholder(Math.toIntExact(src.numel() * stored.byteSize())));
            deferred.put(c, () -> permuted(src, perm, stored));
            t = fp16 ? cast(name, c) : c;
            derived.put(key, t);
        }
        return t;
    }

    /**
     * Const node {@code n} as the file holds it: with its deferred weight bytes made now (same
     * length as the placeholder, so the sizes computed beforehand hold), else {@code n} itself.
     */
    NodeDef content(NodeDef n) {
        Supplier<ByteString> bytes = deferred.get(n.getName());
        if (bytes == null) return n;
        AttrValue value = n.getAttrOrThrow("value");
        TensorProto tp = value.getTensor().toBuilder().setTensorContent(bytes.get()).build();
        return n.toBuilder().putAttr("value", value.toBuilder().setTensor(tp).build()).build();
    }

    /**
     * The elements of {@code src} with output axis i = source axis perm[i], converted to
     * {@code stored} as {@link Tensor#cast} converts, in one pass into the bytes the file holds.
     */
    static ByteString permuted(Tensor src, int[] perm, DType stored) {
        int r = perm.length, n = Math.toIntExact(src.numel());
        long[] stride = new long[r], step = new long[r];
        int[] dims = new int[r], idx = new int[r];
        for (int i = r - 1, st = 1; i >= 0; st *= src.shape().dim(i), i--) stride[i] = st;
        for (int i = 0; i < r; i++) {
            dims[i] = src.shape().dim(perm[i]);
            step[i] = stride[perm[i]];
        }
        ByteBuffer out = ByteBuffer.allocate(n * stored.byteSize()).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long at = 0;
        for (int e = 0; e < n; e++) {
            float f = src.getFloat(at);
            if (stored == DType.FLOAT16) out.putShort(Half.fromFloat(f));
            else out.putFloat(f);
            for (int d = r - 1; d >= 0; d--) {
                at += step[d];
                if (++idx[d] < dims[d]) break;
                at -= step[d] * dims[d];
                idx[d] = 0;
            }
        }
        return UnsafeByteOperations.unsafeWrap(out.flip());
    }

    /** Zeros standing in for {@code n} bytes of deferred content; one buffer shared by all. */
    private ByteString placeholder(int n) {
        if (zeros.capacity() < n) zeros = ByteBuffer.allocate(Math.max(n, 2 * zeros.capacity()));
        return UnsafeByteOperations.unsafeWrap(zeros.slice(0, n));
    }

    /** A float32 constant the writer makes (epsilon, scale factors): never stored as fp16. */
    String scalar(String name, float v) {
        return constNode(name, Tensor.scalar(v));
    }

    /** An int32 constant (shapes, axes, paddings). */
    String int32(String name, Shape shape, int... values) {
        return constNode(name, Tensor.ofInts(shape, values));
    }

    String int32(String name, int... values) {
        return int32(name, Shape.of(values.length), values);
    }

    private String constNode(String name, Tensor t) {
        // The tensor's own little-endian bytes, wrapped rather than copied: the weights are the bulk of the file.
        return constNode(name, t.dtype(), t.shape(), t.numel() > 0 ? bytes(t) : ByteString.EMPTY);
    }

    private String constNode(String name, DType dtype, Shape shape, ByteString content) {
        TensorProto.Builder tp = TensorProto.newBuilder().setDtype(dataType(dtype)).setTensorShape(TfAttrs.shapeProto(shape));
        if (!content.isEmpty()) tp.setTensorContent(content);
        return op("Const", name, TfAttrs.of().type("dtype", dataType(dtype)).put("value", AttrValue.newBuilder().setTensor(tp).build()));
    }

    private static ByteString bytes(Tensor t) {
        return UnsafeByteOperations.unsafeWrap(t.data());
    }

    static DataType dataType(DType d) {
        return switch (d) {
            case FLOAT32 -> DataType.DT_FLOAT;
            case FLOAT16 -> DataType.DT_HALF;
            case INT32 -> DataType.DT_INT32;
            case INT64 -> DataType.DT_INT64;
        };
    }

    /** A node name TensorFlow accepts ([A-Za-z0-9.][A-Za-z0-9_.\-/]*), unique in the graph. */
    private String unique(String hint) {
        StringBuilder sb = new StringBuilder(hint.length());
        for (int i = 0; i < hint.length(); i++) {
            char c = hint.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '.' || (i > 0 && (c == '_' || c == '-' || c == '/')));
            sb.append(ok ? c : (i == 0 ? 'n' : '_'));
        }
        String base = sb.length() == 0 ? "n" : sb.toString();
        if (names.add(base)) return base;
        for (int i = 1; ; i++) if (names.add(base + "_" + i)) return base + "_" + i;
    }

    /** Reserves a name (the interface's "input"). */
    void reserve(String name) {
        if (!names.add(name)) throw new IllegalStateException("name " + name + " taken");
    }

    static FormworkException refuse(Node n, String why) {
        return new FormworkException("node " + n.name() + " (" + n.opType() + "): savedmodel: " + why);
    }
}
