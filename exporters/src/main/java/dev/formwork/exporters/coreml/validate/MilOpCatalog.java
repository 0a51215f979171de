package dev.formwork.exporters.coreml.validate;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The MIL op types and the first iOS opset that has each, from the {@code @register_op} classes
 * of apple/coremltools {@code coremltools/converters/mil/mil/ops/defs/iOS15..iOS18}, plus the
 * parameter types of the ops this model family uses (each op's {@code input_spec}):
 * {@code T} means "the dtype of x" (for conv, linear, matmul, batch_norm, layer_norm and
 * sigmoid_hard only before iOS17, which lets those parameters have their own fp16/fp32 type;
 * always for the elementwise binary ops, whose x and y share T).
 */
final class MilOpCatalog {
    private MilOpCatalog() {}

    private static final Map<String, Integer> FIRST_IOS = new HashMap<>();

    static {
        for (String op : ("abs acos add affine argsort asin atan atanh avg_pool band_part batch_norm batch_to_space cast ceil "
                + "clamped_relu classify clip concat cond const conv conv_quantized conv_transpose cos cosh crop crop_resize cumsum "
                + "depth_to_space einsum elu equal erf exp exp2 expand_dims fill flatten2d floor floor_div gather gather_along_axis "
                + "gather_nd gelu greater greater_equal gru identity instance_norm inverse l2_norm l2_pool layer_norm leaky_relu less "
                + "less_equal linear linear_activation list_gather list_length list_read list_scatter list_write local_response_norm "
                + "log logical_and logical_not logical_or logical_xor lstm make_list matmul max_pool maximum minimum mod mul "
                + "non_maximum_suppression non_zero not_equal one_hot pad pixel_shuffle pow prelu random_bernoulli random_categorical "
                + "random_normal random_uniform range_1d real_div reduce_argmax reduce_argmin reduce_l1_norm reduce_l2_norm "
                + "reduce_log_sum reduce_log_sum_exp reduce_max reduce_mean reduce_min reduce_prod reduce_sum reduce_sum_square relu "
                + "relu6 resample reshape resize_bilinear resize_nearest_neighbor reverse reverse_sequence rnn round rsqrt scaled_tanh "
                + "scatter scatter_along_axis scatter_nd select shape sigmoid sigmoid_hard sign silu sin sinh slice_by_index "
                + "slice_by_size sliding_windows softmax softplus softplus_parametric softsign space_to_batch space_to_depth split "
                + "sqrt square squeeze stack sub tan tanh threshold thresholded_relu tile topk transpose upsample_bilinear "
                + "upsample_nearest_neighbor while_loop").split(" ")) {
            FIRST_IOS.put(op, 15);
        }
        for (String op : ("constexpr_affine_dequantize constexpr_cast constexpr_lut_to_dense constexpr_sparse_to_dense fill_like "
                + "pixel_unshuffle reshape_like").split(" ")) {
            FIRST_IOS.put(op, 16);
        }
        for (String op : "dequantize quantize resize".split(" ")) FIRST_IOS.put(op, 17);
        for (String op : ("constexpr_blockwise_shift_scale constexpr_lut_to_sparse constexpr_sparse_blockwise_shift_scale read_state "
                + "scaled_dot_product_attention slice_update coreml_update_state").split(" ")) {
            FIRST_IOS.put(op, 18);
        }
    }

    /** First iOS version with this op, or -1 for an op no opset defines. */
    static int firstIos(String op) {
        return FIRST_IOS.getOrDefault(op, -1);
    }

    /** Parameter type kinds. */
    enum Kind { T, FLOAT, INT32, UINT32, BOOL, STRING, ANY }

    /** One parameter: its kind, whether it must be bound, and whether T applies only before iOS17. */
    record Param(Kind kind, boolean required, boolean tBeforeIos17Only) {}

    private static final Map<String, Map<String, Param>> SIGS = new HashMap<>();

    private static Param p(Kind k, boolean req) {
        return new Param(k, req, false);
    }

    private static Param t17(boolean req) {
        return new Param(Kind.T, req, true);
    }

    static {
        SIGS.put("conv", Map.of("x", p(Kind.FLOAT, true), "weight", t17(true), "bias", t17(false), "strides", p(Kind.INT32, false),
                "pad_type", p(Kind.STRING, false), "pad", p(Kind.INT32, false), "dilations", p(Kind.INT32, false), "groups", p(Kind.INT32, false)));
        // pool.py: max_pool has the Pooling base parameters; avg_pool adds exclude_padding_from_average.
        Map<String, Param> pool = Map.of("x", p(Kind.FLOAT, true), "kernel_sizes", p(Kind.INT32, true), "strides", p(Kind.INT32, false),
                "pad_type", p(Kind.STRING, true), "pad", p(Kind.INT32, false), "ceil_mode", p(Kind.BOOL, false));
        Map<String, Param> avgPool = new HashMap<>(pool);
        avgPool.put("exclude_padding_from_average", p(Kind.BOOL, false));
        SIGS.put("avg_pool", Map.copyOf(avgPool));
        SIGS.put("max_pool", pool);
        SIGS.put("batch_norm", Map.of("x", p(Kind.FLOAT, true), "mean", t17(true), "variance", t17(true), "gamma", t17(false),
                "beta", t17(false), "epsilon", t17(false)));
        SIGS.put("layer_norm", Map.of("x", p(Kind.FLOAT, true), "axes", p(Kind.INT32, false), "gamma", t17(false), "beta", t17(false),
                "epsilon", t17(false)));
        SIGS.put("linear", Map.of("x", p(Kind.FLOAT, true), "weight", t17(true), "bias", t17(false)));
        SIGS.put("matmul", Map.of("x", p(Kind.FLOAT, true), "y", t17(true), "transpose_x", p(Kind.BOOL, false), "transpose_y", p(Kind.BOOL, false)));
        SIGS.put("softmax", Map.of("x", p(Kind.FLOAT, true), "axis", p(Kind.INT32, false)));
        Map<String, Param> reduce = Map.of("x", p(Kind.ANY, true), "axes", p(Kind.INT32, false), "keep_dims", p(Kind.BOOL, false));
        SIGS.put("reduce_mean", reduce);
        SIGS.put("reduce_sum", reduce);
        SIGS.put("reduce_max", reduce);
        SIGS.put("reshape", Map.of("x", p(Kind.ANY, true), "shape", p(Kind.INT32, true)));
        SIGS.put("transpose", Map.of("x", p(Kind.ANY, true), "perm", p(Kind.INT32, true)));
        SIGS.put("squeeze", Map.of("x", p(Kind.ANY, true), "axes", p(Kind.INT32, false)));
        SIGS.put("expand_dims", Map.of("x", p(Kind.ANY, true), "axes", p(Kind.INT32, true)));
        SIGS.put("cast", Map.of("x", p(Kind.ANY, true), "dtype", p(Kind.STRING, true)));
        SIGS.put("gelu", Map.of("x", p(Kind.FLOAT, true), "mode", p(Kind.STRING, false)));
        SIGS.put("concat", Map.of("values", p(Kind.ANY, true), "axis", p(Kind.INT32, true), "interleave", p(Kind.BOOL, false)));
        SIGS.put("split", Map.of("x", p(Kind.ANY, true), "num_splits", p(Kind.INT32, false), "split_sizes", p(Kind.INT32, false),
                "axis", p(Kind.INT32, true)));
        SIGS.put("slice_by_index", Map.of("x", p(Kind.ANY, true), "begin", p(Kind.INT32, true), "end", p(Kind.INT32, true),
                "stride", p(Kind.INT32, false), "begin_mask", p(Kind.BOOL, false), "end_mask", p(Kind.BOOL, false),
                "squeeze_mask", p(Kind.BOOL, false)));
        SIGS.put("space_to_depth", Map.of("x", p(Kind.FLOAT, true), "block_size", p(Kind.INT32, true)));
        SIGS.put("depth_to_space", Map.of("x", p(Kind.FLOAT, true), "block_size", p(Kind.INT32, true)));
        SIGS.put("pixel_shuffle", Map.of("x", p(Kind.FLOAT, true), "upscale_factor", p(Kind.INT32, true)));
        SIGS.put("pixel_unshuffle", Map.of("x", p(Kind.FLOAT, true), "downscale_factor", p(Kind.UINT32, true)));
        SIGS.put("upsample_bilinear", Map.of("x", p(Kind.FLOAT, true), "scale_factor_height", p(Kind.ANY, false),
                "scale_factor_width", p(Kind.ANY, false), "align_corners", p(Kind.BOOL, false), "half_pixel_centers", p(Kind.BOOL, false)));
        SIGS.put("resize_bilinear", Map.of("x", p(Kind.FLOAT, true), "target_size_height", p(Kind.INT32, false),
                "target_size_width", p(Kind.INT32, false), "sampling_mode", p(Kind.STRING, false)));
        SIGS.put("pad", Map.of("x", p(Kind.FLOAT, true), "pad", p(Kind.INT32, true), "mode", p(Kind.STRING, false), "constant_val", p(Kind.T, false)));
        for (String b : "add sub mul real_div pow maximum minimum floor_div".split(" ")) {
            SIGS.put(b, Map.of("x", p(Kind.ANY, true), "y", p(Kind.T, true)));
        }
        for (String u : "relu relu6 sigmoid tanh erf sqrt exp silu".split(" ")) SIGS.put(u, Map.of("x", p(Kind.FLOAT, true)));
        SIGS.put("rsqrt", Map.of("x", p(Kind.FLOAT, true), "epsilon", t17(false)));
        // activation_with_alpha_and_beta: alpha and beta required, x's type T until iOS 17 gives them their own U.
        SIGS.put("sigmoid_hard", Map.of("x", p(Kind.FLOAT, true), "alpha", t17(true), "beta", t17(true)));
    }

    /** The parameter table of an op, or null when the validator does not know its signature. */
    static Map<String, Param> signature(String op) {
        return SIGS.get(op);
    }

    /** Reserved words coremltools renames away (formats.md §2.3). */
    static final Set<String> RESERVED = Set.of("any", "bool", "program", "func", "tensor", "list", "dict", "tuple", "true", "false",
            "string", "bf16", "fp16", "fp32", "fp64", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "state");
}
