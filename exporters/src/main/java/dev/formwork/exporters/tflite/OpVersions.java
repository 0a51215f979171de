package dev.formwork.exporters.tflite;

import java.util.HashMap;
import java.util.Map;
import org.tensorflow.lite.schema.BuiltinOperator;

/**
 * The OperatorCode.version each emitted use needs and the oldest runtime that has it: the rules of
 * TensorFlow's op_version.cc / runtime_version.cc for the float32 (and fp16-weight) forms this
 * writer emits (formats.md §3.5). Versions stay at the lowest value that carries the feature, so
 * the file loads on the oldest runtime that can run it.
 */
final class OpVersions {
    /** FULLY_CONNECTED with keep_num_dims (output keeps [B,N,Cout]). */
    static final int FC_KEEP_DIMS = 5;
    /** RESIZE_BILINEAR with half_pixel_centers. */
    static final int RESIZE_HALF_PIXEL = 3;
    /** DEQUANTIZE of a float16 input. */
    static final int DEQUANTIZE_FP16 = 3;

    private static final Map<Long, String> RUNTIME = new HashMap<>();

    static {
        runtime(BuiltinOperator.ADD, 1, "1.5.0");
        runtime(BuiltinOperator.SUB, 1, "1.6.0");
        runtime(BuiltinOperator.SUB, 3, "2.3.0");
        runtime(BuiltinOperator.MUL, 1, "1.5.0");
        runtime(BuiltinOperator.DIV, 1, "1.6.0");
        runtime(BuiltinOperator.DIV, 2, "2.3.0");
        runtime(BuiltinOperator.POW, 1, "1.10.0");
        runtime(BuiltinOperator.CONV_2D, 1, "1.5.0");
        runtime(BuiltinOperator.DEPTHWISE_CONV_2D, 1, "1.5.0");
        runtime(BuiltinOperator.DEPTHWISE_CONV_2D, 2, "1.12.0");
        runtime(BuiltinOperator.AVERAGE_POOL_2D, 1, "1.5.0");
        runtime(BuiltinOperator.MAX_POOL_2D, 1, "1.5.0");
        runtime(BuiltinOperator.FULLY_CONNECTED, 1, "1.5.0");
        runtime(BuiltinOperator.FULLY_CONNECTED, FC_KEEP_DIMS, "2.0.0");
        runtime(BuiltinOperator.BATCH_MATMUL, 1, "2.3.0");
        runtime(BuiltinOperator.SOFTMAX, 1, "1.5.0");
        runtime(BuiltinOperator.MEAN, 1, "1.6.0");
        runtime(BuiltinOperator.SUM, 1, "1.10.0");
        runtime(BuiltinOperator.REDUCE_MAX, 1, "1.11.0");
        runtime(BuiltinOperator.RESHAPE, 1, "1.5.0");
        runtime(BuiltinOperator.TRANSPOSE, 1, "1.6.0");
        runtime(BuiltinOperator.TRANSPOSE, 4, "2.3.0");
        runtime(BuiltinOperator.TRANSPOSE, 6, "2.12.0");
        runtime(BuiltinOperator.SPACE_TO_DEPTH, 1, "1.5.0");
        runtime(BuiltinOperator.GELU, 1, "2.9.0");
        runtime(BuiltinOperator.RELU, 1, "1.5.0");
        runtime(BuiltinOperator.TANH, 1, "1.14.0");
        runtime(BuiltinOperator.LOGISTIC, 1, "1.14.0");
        runtime(BuiltinOperator.SQRT, 1, "1.10.0");
        runtime(BuiltinOperator.EXP, 1, "1.7.0");
        runtime(BuiltinOperator.HARD_SWISH, 1, "1.15.0");
        runtime(BuiltinOperator.RSQRT, 1, "1.10.0");
        runtime(BuiltinOperator.SQUARED_DIFFERENCE, 1, "1.13.1");
        runtime(BuiltinOperator.PAD, 1, "1.5.0");
        runtime(BuiltinOperator.PAD, 4, "2.6.0");
        runtime(BuiltinOperator.PADV2, 1, "1.9.0");
        runtime(BuiltinOperator.CONCATENATION, 1, "1.5.0");
        runtime(BuiltinOperator.SPLIT_V, 1, "1.13.1");
        runtime(BuiltinOperator.STRIDED_SLICE, 1, "1.6.0");
        runtime(BuiltinOperator.STRIDED_SLICE, 4, "2.2.0");
        runtime(BuiltinOperator.RESIZE_BILINEAR, 1, "1.7.0");
        runtime(BuiltinOperator.RESIZE_BILINEAR, RESIZE_HALF_PIXEL, "2.2.0");
        runtime(BuiltinOperator.DEQUANTIZE, DEQUANTIZE_FP16, "1.15.0");
    }

    private OpVersions() {}

    private static void runtime(int code, int version, String v) {
        RUNTIME.put(key(code, version), v);
    }

    private static long key(int code, int version) {
        return ((long) code << 32) | version;
    }

    /** TRANSPOSE: 1 up to rank 4, 4 for rank 5, 6 for rank 6. */
    static int transpose(int rank) {
        if (rank > 6) throw new IllegalArgumentException("TRANSPOSE of rank " + rank);
        return rank > 5 ? 6 : rank > 4 ? 4 : 1;
    }

    /** SUB / DIV: a higher version when they broadcast with rank > 4. */
    static int broadcastBinary(int code, boolean broadcasts, int maxRank) {
        if (!broadcasts || maxRank <= 4) return 1;
        if (code == BuiltinOperator.SUB) return 3;
        if (code == BuiltinOperator.DIV) return 2;
        return 1;
    }

    /** PAD / STRIDED_SLICE above rank 4. */
    static int rankBeyond4(int code, int rank) {
        if (rank <= 4) return 1;
        return code == BuiltinOperator.PAD ? 4 : code == BuiltinOperator.STRIDED_SLICE ? 4 : 1;
    }

    /** Oldest runtime version that has (code, version); "" when the table does not know it. */
    static String minRuntime(int code, int version) {
        return RUNTIME.getOrDefault(key(code, version), "");
    }

    /** Max over ops, comparing numerically part by part (as runtime_version.cc does). */
    static String minRuntime(Iterable<TflModel.TflOp> ops) {
        String best = "";
        for (TflModel.TflOp op : ops) {
            String v = minRuntime(op.code(), op.version());
            if (!v.isEmpty() && compare(best, v) < 0) best = v;
        }
        return best;
    }

    static int compare(String a, String b) {
        if (a.isEmpty()) return b.isEmpty() ? 0 : -1;
        String[] x = a.split("\\."), y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length ? Integer.parseInt(x[i]) : 0, q = i < y.length ? Integer.parseInt(y[i]) : 0;
            if (p != q) return Integer.compare(p, q);
        }
        return 0;
    }
}
