package dev.formwork.runtimes.coreml;

import dev.formwork.exporters.coreml.testing.MilModels;

import static dev.formwork.proto.coreml.CoreMlMilProto.DataType.FLOAT16;
import static dev.formwork.proto.coreml.CoreMlMilProto.DataType.FLOAT32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.coreml.validate.CoreMlValidator;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Half;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MIL op semantics pinned with small cases computed by hand from the op definitions. */
class MilOpsTest {
    @TempDir
    Path tmp;

    /** Builds x -> body -> "y", validates the package, runs it on x. */
    float[] run(int[] xShape, float[] x, int[] yShape, Consumer<MilModels> body) throws Exception {
        return run(xShape, x, yShape, body, false);
    }

    float[] run(int[] xShape, float[] x, int[] yShape, Consumer<MilModels> body, boolean fp16) throws Exception {
        MilModels m = new MilModels().input("x", FLOAT32, xShape);
        body.accept(m);
        m.renameLast("y");
        m.output("y", FLOAT32, yShape);
        Path p = m.write(tmp);
        assertEquals(java.util.List.of(), CoreMlValidator.violations(p));
        try (Session s = new CoreMlRuntime().open(p, RunOptions.defaults().withFp16Compute(fp16))) {
            NdArray out = s.run(NdArray.of(xShape, x))[0];
            assertArrayEquals(yShape, out.shape());
            return out.data();
        }
    }

    static final float[] NINE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void avgPoolExcludePaddingCornerIsTheMeanOfFour() throws Exception {
        float[] y = run(new int[] {1, 1, 3, 3}, NINE, new int[] {1, 1, 3, 3}, m -> m.op("avg_pool", MilModels.tensor(FLOAT32, 1, 1, 3, 3),
                "x", "x", "kernel_sizes", m.ints(3, 3), "strides", m.ints(1, 1), "pad_type", m.string("custom"),
                "pad", m.ints(1, 1, 1, 1), "exclude_padding_from_average", m.bool(true)));
        assertEquals((1 + 2 + 4 + 5) / 4f, y[0], 1e-6);          // corner: 4 in-bounds values
        assertEquals((1 + 2 + 3 + 4 + 5 + 6) / 6f, y[1], 1e-6);  // edge: 6
        assertEquals(5f, y[4], 1e-6);                              // centre: all 9
    }

    @Test
    void avgPoolIncludingPaddingDividesByNine() throws Exception {
        float[] y = run(new int[] {1, 1, 3, 3}, NINE, new int[] {1, 1, 3, 3}, m -> m.op("avg_pool", MilModels.tensor(FLOAT32, 1, 1, 3, 3),
                "x", "x", "kernel_sizes", m.ints(3, 3), "strides", m.ints(1, 1), "pad_type", m.string("custom"),
                "pad", m.ints(1, 1, 1, 1), "exclude_padding_from_average", m.bool(false)));
        assertEquals(12 / 9f, y[0], 1e-6);
    }

    @Test
    void convCustomPadIsTopBottomLeftRight() throws Exception {
        // pad [t=1, b=0, l=0, r=0] on a 2x2 input with a 1x1 identity kernel: one zero row on top.
        float[] top = run(new int[] {1, 1, 2, 2}, new float[] {1, 2, 3, 4}, new int[] {1, 1, 3, 2}, m -> m.op("conv",
                MilModels.tensor(FLOAT32, 1, 1, 3, 2), "x", "x", "weight", m.floats(new float[] {1}, 1, 1, 1, 1),
                "pad_type", m.string("custom"), "pad", m.ints(1, 0, 0, 0)));
        assertArrayEquals(new float[] {0, 0, 1, 2, 3, 4}, top);
        // pad [0, 0, l=1, 0]: one zero column on the left.
        float[] left = run(new int[] {1, 1, 2, 2}, new float[] {1, 2, 3, 4}, new int[] {1, 1, 2, 3}, m -> m.op("conv",
                MilModels.tensor(FLOAT32, 1, 1, 2, 3), "x", "x", "weight", m.floats(new float[] {1}, 1, 1, 1, 1),
                "pad_type", m.string("custom"), "pad", m.ints(0, 0, 1, 0)));
        assertArrayEquals(new float[] {0, 1, 2, 0, 3, 4}, left);
    }

    @Test
    void convSamePutsTheOddPixelAtTheEnd() throws Exception {
        // k=2 s=1 on width 2: total pad 1, BOTTOM_RIGHT_HEAVY -> the kernel [1, 10] sees (x0,x1), (x1,0).
        float[] y = run(new int[] {1, 1, 1, 2}, new float[] {1, 2}, new int[] {1, 1, 1, 2}, m -> m.op("conv",
                MilModels.tensor(FLOAT32, 1, 1, 1, 2), "x", "x", "weight", m.floats(new float[] {1, 10}, 1, 1, 1, 2),
                "pad_type", m.string("same")));
        assertArrayEquals(new float[] {21, 2}, y);
    }

    @Test
    void depthwiseConvWithBlobWeightsAndBias() throws Exception {
        float[] y = run(new int[] {1, 2, 1, 1}, new float[] {3, 5}, new int[] {1, 2, 1, 1}, m -> m.op("conv",
                MilModels.tensor(FLOAT32, 1, 2, 1, 1), "x", "x", "weight", m.blobFloats(new float[] {2, 4}, 2, 1, 1, 1),
                "bias", m.floats(new float[] {1, -1}, 2), "groups", m.scalarInt(2)));
        assertArrayEquals(new float[] {7, 19}, y);
    }

    @Test
    void linearUsesWeightDoutByDin() throws Exception {
        float[] w = new float[12];
        for (int k = 0; k < 12; k++) w[k] = k + 1; // [[1..4],[5..8],[9..12]]
        float[] y = run(new int[] {1, 4}, new float[] {1, 0, 0, 1}, new int[] {1, 3}, m -> m.op("linear",
                MilModels.tensor(FLOAT32, 1, 3), "x", "x", "weight", m.blobFloats(w, 3, 4), "bias", m.floats(new float[] {0, 0, 100}, 3)));
        assertArrayEquals(new float[] {1 + 4, 5 + 8, 9 + 12 + 100}, y);
    }

    @Test
    void matmulTransposeYAndBroadcastBatch() throws Exception {
        // x [2,1,2] @ y^T where y [1,2]... y stored [3,2] with transpose_y -> [2,3].
        float[] y = run(new int[] {2, 1, 2}, new float[] {1, 2, 3, 4}, new int[] {2, 1, 3}, m -> m.op("matmul",
                MilModels.tensor(FLOAT32, 2, 1, 3), "x", "x", "y", m.floats(new float[] {1, 0, 0, 1, 1, 1}, 3, 2),
                "transpose_y", m.bool(true)));
        assertArrayEquals(new float[] {1, 2, 3, 3, 4, 7}, y);
    }

    @Test
    void upsampleBilinearAlignCornersDefaultsToTrueOnIos15() throws Exception {
        float[] y = run(new int[] {1, 1, 1, 2}, new float[] {1, 3}, new int[] {1, 1, 1, 4}, m -> m.op("upsample_bilinear",
                MilModels.tensor(FLOAT32, 1, 1, 1, 4), "x", "x", "scale_factor_width", m.scalarFloat(2f)));
        assertArrayEquals(new float[] {1, 1 + 2 / 3f, 1 + 4 / 3f, 3}, y, 1e-6f);
    }

    @Test
    void upsampleBilinearHalfPixelEdgesClampOnIos16() throws Exception {
        // Xin 2 -> Xout 4, half-pixel: coords -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        float[] y = run(new int[] {1, 1, 1, 2}, new float[] {1, 3}, new int[] {1, 1, 1, 4}, m -> {
            m.spec = 7;
            m.opset = "CoreML6";
            m.op("upsample_bilinear", MilModels.tensor(FLOAT32, 1, 1, 1, 4), "x", "x", "scale_factor_width", m.scalarFloat(2f),
                    "align_corners", m.bool(false), "half_pixel_centers", m.bool(true));
        });
        assertArrayEquals(new float[] {1, 1.5f, 2.5f, 3}, y, 1e-6f);
    }

    @Test
    void spaceToDepthIsTfOrderPixelUnshuffleIsTorchOrder() throws Exception {
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8}; // C=2, 2x2 each
        float[] tf = run(new int[] {1, 2, 2, 2}, x, new int[] {1, 8, 1, 1}, m -> m.op("space_to_depth",
                MilModels.tensor(FLOAT32, 1, 8, 1, 1), "x", "x", "block_size", m.scalarInt(2)));
        assertArrayEquals(new float[] {1, 5, 2, 6, 3, 7, 4, 8}, tf); // channel (by*2+bx)*C + c
        float[] torch = run(new int[] {1, 2, 2, 2}, x, new int[] {1, 8, 1, 1}, m -> {
            m.spec = 7;
            m.opset = "CoreML6";
            var u = dev.formwork.proto.coreml.CoreMlMilProto.Value.newBuilder()
                    .setType(MilModels.tensor(dev.formwork.proto.coreml.CoreMlMilProto.DataType.UINT32))
                    .setImmediateValue(dev.formwork.proto.coreml.CoreMlMilProto.Value.ImmediateValue.newBuilder().setTensor(
                            dev.formwork.proto.coreml.CoreMlMilProto.TensorValue.newBuilder().setBytes(
                                    dev.formwork.proto.coreml.CoreMlMilProto.TensorValue.RepeatedBytes.newBuilder()
                                            .setValues(com.google.protobuf.ByteString.copyFrom(new byte[] {2, 0, 0, 0}))))).build();
            m.op("pixel_unshuffle", MilModels.tensor(FLOAT32, 1, 8, 1, 1), "x", "x", "downscale_factor", m.constant(u));
        });
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, torch); // channel c*4 + by*2 + bx
    }

    @Test
    void reshapeZeroRulesDependOnTheOpset() throws Exception {
        // iOS17: zeros match x's dims from the right; [0, -1, 0] on [2, 3, 4]... [1,0,-1] on [2,6] -> [1, 6?]
        float[] x = new float[12];
        float[] y = run(new int[] {2, 6}, x, new int[] {1, 2, 6}, m -> {
            m.spec = 8;
            m.opset = "CoreML7";
            m.op("reshape", MilModels.tensor(FLOAT32, 1, 2, 6), "x", "x", "shape", m.ints(1, -1, 0));
        });
        assertEquals(12, y.length);
        // iOS15: a 0 with len(shape) != rank(x) is an error.
        FormworkException e = assertThrows(FormworkException.class, () -> run(new int[] {2, 6}, x, new int[] {1, 2, 6},
                m -> m.op("reshape", MilModels.tensor(FLOAT32, 1, 2, 6), "x", "x", "shape", m.ints(1, -1, 0))));
        assertTrue(e.getMessage().contains("iOS17"), e.getMessage());
    }

    @Test
    void geluModesFollowTheirFormulas() throws Exception {
        float[] x = {1f, -2f};
        float[] exact = run(new int[] {2}, x, new int[] {2}, m -> m.op("gelu", MilModels.tensor(FLOAT32, 2), "x", "x"));
        assertEquals(0.8413447f, exact[0], 1e-6);
        assertEquals(-0.04550026f, exact[1], 1e-6);
        float[] tanh = run(new int[] {2}, x, new int[] {2}, m -> m.op("gelu", MilModels.tensor(FLOAT32, 2), "x", "x", "mode", m.string("TANH_APPROXIMATION")));
        assertEquals(0.8411920f, tanh[0], 1e-6);
        float[] sig = run(new int[] {2}, x, new int[] {2}, m -> m.op("gelu", MilModels.tensor(FLOAT32, 2), "x", "x", "mode", m.string("SIGMOID_APPROXIMATION")));
        assertEquals((float) (1 / (1 + Math.exp(-1.702))), sig[0], 1e-6);
    }

    @Test
    void layerNormOverAnInnerAxisWithGamma() throws Exception {
        // x [1,2,2]; normalize axis 1 (size 2): each column (a, b) -> (-1, 1) * gamma.
        float[] y = run(new int[] {1, 2, 2}, new float[] {1, 10, 3, 30}, new int[] {1, 2, 2}, m -> m.op("layer_norm",
                MilModels.tensor(FLOAT32, 1, 2, 2), "x", "x", "axes", m.ints(1), "gamma", m.floats(new float[] {1, 2}, 2),
                "epsilon", m.scalarFloat(0f)));
        assertArrayEquals(new float[] {-1, -1, 2, 2}, y, 1e-5f);
    }

    @Test
    void fp16TypesRoundAtEachOpAndFp16ComputeRoundsEverything() throws Exception {
        float third = 1f / 3f;
        float[] y = run(new int[] {1}, new float[] {third}, new int[] {1}, m -> {
            String h = m.op("cast", MilModels.tensor(FLOAT16, 1), "x", "x", "dtype", m.string("fp16"));
            m.op("cast", MilModels.tensor(FLOAT32, 1), "x", h, "dtype", m.string("fp32"));
        });
        assertEquals(Half.round(third), y[0]);
        float[] plain = run(new int[] {1}, new float[] {third}, new int[] {1}, m -> m.op("mul", MilModels.tensor(FLOAT32, 1),
                "x", "x", "y", m.floats(new float[] {3}, 1)));
        assertEquals(third * 3f, plain[0]);
        float[] f16 = run(new int[] {1}, new float[] {third}, new int[] {1}, m -> m.op("mul", MilModels.tensor(FLOAT32, 1),
                "x", "x", "y", m.floats(new float[] {3}, 1)), true);
        assertEquals(Half.round(Half.round(third) * 3f), f16[0]);
    }

    @Test
    void unknownOpAndWrongDeclaredShapeFailNamingTheOp() throws Exception {
        MilModels m = new MilModels().input("x", FLOAT32, 2);
        m.op("frobnicate", MilModels.tensor(FLOAT32, 2), "x", "x");
        m.renameLast("y");
        m.output("y", FLOAT32, 2);
        Path p = m.write(tmp.resolve("a"));
        FormworkException e = assertThrows(FormworkException.class, () -> new CoreMlRuntime().open(p, RunOptions.defaults()));
        assertTrue(e.getMessage().contains("frobnicate") && e.getMessage().contains("frobnicate_0"), e.getMessage());
        FormworkException e2 = assertThrows(FormworkException.class, () -> run(new int[] {2}, new float[2], new int[] {3},
                mm -> mm.op("relu", MilModels.tensor(FLOAT32, 3), "x", "x")));
        assertTrue(e2.getMessage().contains("declared fp32[3] but computes fp32[2]"), e2.getMessage());
    }

    @Test
    void sliceByIndexNegativeStrideWithEndMaskThenInterleavedConcat() throws Exception {
        // x[0:1, -1::-2] of [1,2,3,4] = [4, 2]; concat(s, s) interleaved on axis 1 = [4, 4, 2, 2].
        float[] y = run(new int[] {1, 4}, new float[] {1, 2, 3, 4}, new int[] {1, 4}, m -> {
            String s = m.op("slice_by_index", MilModels.tensor(FLOAT32, 1, 2), "x", "x", "begin", m.ints(0, -1), "end", m.ints(1, 0),
                    "stride", m.ints(1, -2), "end_mask", m.constant(boolsValue(false, true)));
            m.op("concat", MilModels.tensor(FLOAT32, 1, 4), "values", s + "," + s, "axis", m.scalarInt(1), "interleave", m.bool(true));
        });
        assertArrayEquals(new float[] {4, 4, 2, 2}, y);
    }

    @Test
    void softmaxAndReduceMeanWithoutKeepDims() throws Exception {
        float[] y = run(new int[] {2, 2}, new float[] {0, 0, 1, 3}, new int[] {2}, m -> {
            String sm = m.op("softmax", MilModels.tensor(FLOAT32, 2, 2), "x", "x", "axis", m.scalarInt(0));
            m.op("reduce_mean", MilModels.tensor(FLOAT32, 2), "x", sm, "axes", m.ints(0), "keep_dims", m.bool(false));
        });
        assertArrayEquals(new float[] {0.5f, 0.5f}, y, 1e-6f); // columns of a softmax over axis 0 sum to 1
    }

    @Test
    void maxPoolPaddingNeverWinsEvenOverNegativeValues() throws Exception {
        float[] neg = new float[9];
        for (int k = 0; k < 9; k++) neg[k] = -NINE[k];
        float[] y = run(new int[] {1, 1, 3, 3}, neg, new int[] {1, 1, 2, 2}, m -> m.op("max_pool", MilModels.tensor(FLOAT32, 1, 1, 2, 2),
                "x", "x", "kernel_sizes", m.ints(2, 2), "strides", m.ints(2, 2), "pad_type", m.string("custom"),
                "pad", m.ints(1, 0, 1, 0), "ceil_mode", m.bool(false)));
        // pad one row on top and one column on the left: windows {-1}, {-2, -3}, {-4, -7}, {-5, -6, -8, -9}.
        assertArrayEquals(new float[] {-1, -2, -4, -5}, y);
    }

    @Test
    void reduceMaxKeepsOrDropsAxesAndPropagatesNan() throws Exception {
        float[] x = {1, Float.NaN, 3, -4, -5, -6};
        float[] kept = run(new int[] {2, 3}, x, new int[] {1, 3}, m -> m.op("reduce_max", MilModels.tensor(FLOAT32, 1, 3),
                "x", "x", "axes", m.ints(0), "keep_dims", m.bool(true)));
        assertArrayEquals(new float[] {1, Float.NaN, 3}, kept);
        float[] dropped = run(new int[] {2, 3}, x, new int[] {2}, m -> m.op("reduce_max", MilModels.tensor(FLOAT32, 2),
                "x", "x", "axes", m.ints(-1), "keep_dims", m.bool(false)));
        assertArrayEquals(new float[] {Float.NaN, -4}, dropped);
        float[] sum = run(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}, new int[] {2}, m -> m.op("reduce_sum", MilModels.tensor(FLOAT32, 2),
                "x", "x", "axes", m.ints(1), "keep_dims", m.bool(false)));
        assertArrayEquals(new float[] {6, 15}, sum);
    }

    @Test
    void sigmoidHardClampsAlphaXPlusBeta() throws Exception {
        float[] x = {-4, -3, 0, 1.5f, 3, 4};
        float[] y = run(new int[] {6}, x, new int[] {6}, m -> m.op("sigmoid_hard", MilModels.tensor(FLOAT32, 6), "x", "x",
                "alpha", m.scalarFloat(0.25f), "beta", m.scalarFloat(0.5f)));
        assertArrayEquals(new float[] {0, 0, 0.5f, 0.875f, 1, 1}, y);
    }

    static dev.formwork.proto.coreml.CoreMlMilProto.Value boolsValue(boolean... v) {
        var r = dev.formwork.proto.coreml.CoreMlMilProto.TensorValue.RepeatedBools.newBuilder();
        for (boolean b : v) r.addValues(b);
        return dev.formwork.proto.coreml.CoreMlMilProto.Value.newBuilder()
                .setType(MilModels.tensor(dev.formwork.proto.coreml.CoreMlMilProto.DataType.BOOL, v.length))
                .setImmediateValue(dev.formwork.proto.coreml.CoreMlMilProto.Value.ImmediateValue.newBuilder()
                        .setTensor(dev.formwork.proto.coreml.CoreMlMilProto.TensorValue.newBuilder().setBools(r))).build();
    }
}
