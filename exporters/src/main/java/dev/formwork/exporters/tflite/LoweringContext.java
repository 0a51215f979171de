package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.passes.layout.LayoutReport;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.TensorType;

/**
 * What a lowering sees while it writes one IR node: tensors for IR values (created on first use,
 * constants with their own buffer), helpers for new constants and intermediates, and
 * {@link #op} to append an operator. Operators are appended in IR order, so the file's
 * execution order is the graph's.
 *
 * <p>fp16: every float32 constant is stored as FLOAT16 and read through a DEQUANTIZE op (the
 * standard TFLite float16 scheme: half-size file, float32 compute and I/O), appended just before
 * its first reader.
 */
final class LoweringContext {
    final Graph graph;
    final ExportOptions options;
    final boolean fp16;
    final TflModel model = new TflModel();
    private final IdentityHashMap<Value, Integer> tensors = new IdentityHashMap<>();
    private final Map<String, Integer> derived = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final IdentityHashMap<Node, Boolean> adjMarkers = new IdentityHashMap<>();

    LoweringContext(Graph graph, ExportOptions options) {
        this.graph = graph;
        this.options = options;
        this.fp16 = options.precision() == ExportOptions.Precision.FP16;
        for (Node n : graph.nodes()) if (LayoutReport.isAdjMarker(graph, n)) adjMarkers.put(n, true);
    }

    /** True for a last-two-axes Transpose that only MatMuls read: BATCH_MATMUL's adj flag replaces it. */
    boolean isAdjMarker(Node n) {
        return adjMarkers.containsKey(n);
    }

    /** The tensor holding IR value {@code v}. */
    int tensor(Value v) {
        Integer t = tensors.get(v);
        if (t != null) return t;
        int idx = v.isConstant() ? constant(v.name(), v.constant()) : model.addTensor(unique(v.name()), v.shape(), type(v.dtype()), 0);
        tensors.put(v, idx);
        return idx;
    }

    /** Makes {@code v} another name for an existing tensor (ops that do not move data). */
    void bind(Value v, int tensor) {
        if (tensors.containsKey(v)) throw new IllegalStateException("value " + v.name() + " written twice");
        tensors.put(v, tensor);
    }

    /** A new float32 activation tensor. */
    int intermediate(String name, Shape shape) {
        return model.addTensor(unique(name), shape, TensorType.FLOAT32, 0);
    }

    /** A constant from an IR tensor (float16 + DEQUANTIZE under fp16). */
    int constant(String name, Tensor t) {
        return constant(name, ConstData.of(t, stored(t.dtype())), t.dtype());
    }

    /** Constant value {@code v} stored transposed by {@code perm}, made once per (value, perm). */
    int constantPermuted(Value v, int[] perm, String suffix) {
        String key = v.name() + "#" + java.util.Arrays.toString(perm);
        Integer t = derived.get(key);
        if (t == null) {
            t = constantPermuted(v.name() + suffix, v.constant(), perm);
            derived.put(key, t);
        }
        return t;
    }

    /** A constant stored transposed by {@code perm} (output axis i = axis perm[i] of {@code t}). */
    int constantPermuted(String name, Tensor t, int[] perm) {
        return constant(name, ConstData.permuted(t, perm, stored(t.dtype())), t.dtype());
    }

    /** An int32 constant (shapes, axes, paddings): never converted to fp16. */
    int int32(String name, Shape shape, int... values) {
        Tensor t = Tensor.ofInts(shape, values);
        return constant(name, ConstData.of(t, DType.INT32), DType.INT32);
    }

    int int32(String name, int... values) {
        return int32(name, Shape.of(values.length), values);
    }

    private int constant(String name, ConstData data, DType logical) {
        int buffer = model.addBuffer(data);
        if (logical != DType.FLOAT32 || !fp16) return model.addTensor(unique(name), data.shape(), type(data.stored), buffer);
        int half = model.addTensor(unique(name + "/fp16"), data.shape(), TensorType.FLOAT16, buffer);
        int full = model.addTensor(unique(name), data.shape(), TensorType.FLOAT32, 0);
        op(BuiltinOperator.DEQUANTIZE, OpVersions.DEQUANTIZE_FP16, new int[] {half}, new int[] {full}, (byte) 0, null);
        return full;
    }

    private DType stored(DType d) {
        return d == DType.FLOAT32 && fp16 ? DType.FLOAT16 : d;
    }

    void op(int code, int version, int[] in, int[] out, byte optionsType, TflModel.Options options) {
        model.addOp(new TflModel.TflOp(code, version, in, out, optionsType, options));
    }

    void op(int code, int[] in, int[] out) {
        op(code, 1, in, out, (byte) 0, null);
    }

    Shape shape(int tensor) {
        return model.tensors.get(tensor).shape();
    }

    private String unique(String base) {
        if (names.add(base)) return base;
        for (int i = 1; ; i++) if (names.add(base + "_" + i)) return base + "_" + i;
    }

    static byte type(DType d) {
        return switch (d) {
            case FLOAT32 -> TensorType.FLOAT32;
            case FLOAT16 -> TensorType.FLOAT16;
            case INT32 -> TensorType.INT32;
            case INT64 -> TensorType.INT64;
        };
    }

    static FormworkException refuse(Node n, String why) {
        return new FormworkException("node " + n.name() + " (" + n.opType() + "): tflite: " + why);
    }
}
