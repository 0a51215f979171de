package dev.formwork.runtimes.coreml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.exporters.coreml.validate.CoreMlValidator;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlDataStructuresProto.StringVector;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ArrayFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ImageFeatureType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlModelProto.ModelDescription;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.*;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NeuralNetwork layer semantics pinned with small cases computed by hand from NeuralNetwork.proto. */
class NnLayersTest {
    @TempDir
    Path tmp;

    static FeatureDescription array(String name, long... shape) {
        ArrayFeatureType.Builder a = ArrayFeatureType.newBuilder().setDataType(ArrayFeatureType.ArrayDataType.FLOAT32);
        for (long s : shape) a.addShape(s);
        return FeatureDescription.newBuilder().setName(name).setType(FeatureType.newBuilder().setMultiArrayType(a)).build();
    }

    static WeightParams w(float... v) {
        WeightParams.Builder b = WeightParams.newBuilder();
        for (float f : v) b.addFloatValue(f);
        return b.build();
    }

    static NeuralNetworkLayer.Builder layer(String in, String out) {
        return NeuralNetworkLayer.newBuilder().setName("L_" + out).addInput(in).addOutput(out);
    }

    /** Runs a one-layer spec-4 EXACT_ARRAY_MAPPING network x -> y. */
    float[] one(NeuralNetworkLayer l, long[] xs, float[] x, long[] ys) throws Exception {
        Model m = Model.newBuilder().setSpecificationVersion(5)
                .setDescription(ModelDescription.newBuilder().addInput(array("x", xs)).addOutput(array("y", ys)))
                .setNeuralNetwork(NeuralNetwork.newBuilder().addLayers(l)
                        .setArrayInputShapeMapping(NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING)).build();
        Path p = tmp.resolve(l.getName() + ".mlmodel");
        Files.write(p, m.toByteArray());
        assertEquals(java.util.List.of(), CoreMlValidator.violations(p));
        try (Session s = new CoreMlRuntime().open(p, RunOptions.defaults())) {
            int[] shape = new int[xs.length];
            for (int k = 0; k < shape.length; k++) shape[k] = (int) xs[k];
            return s.run(NdArray.of(shape, x))[0].data();
        }
    }

    @Test
    void innerProductRank4FlattensTheLastThreeAxes() throws Exception {
        var ip = InnerProductLayerParams.newBuilder().setInputChannels(4).setOutputChannels(1).setWeights(w(1, 2, 3, 4));
        float[] y = one(layer("x", "y").setInnerProduct(ip).build(), new long[] {2, 2, 1, 2}, new float[] {1, 1, 1, 1, 1, 0, 0, 0},
                new long[] {2, 1, 1, 1});
        assertArrayEquals(new float[] {10, 1}, y);
    }

    @Test
    void batchedMatmulOneInputStoresWeightsColumnMajor() throws Exception {
        // W is [X1=2, X2=3] stored column-major: flat [1,2, 3,4, 5,6] -> W[i][o] = flat[o*2 + i].
        var bm = BatchedMatMulLayerParams.newBuilder().setWeightMatrixFirstDimension(2).setWeightMatrixSecondDimension(3)
                .setWeights(w(1, 2, 3, 4, 5, 6)).setHasBias(true).setBias(w(0, 0, 10));
        float[] y = one(layer("x", "y").setBatchedMatmul(bm).build(), new long[] {1, 2}, new float[] {1, 0}, new long[] {1, 3});
        assertArrayEquals(new float[] {1, 3, 15}, y);
    }

    @Test
    void convolutionBorderAmountsAreHeightThenWidth() throws Exception {
        BorderAmounts.Builder b = BorderAmounts.newBuilder()
                .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder().setStartEdgeSize(1))   // H: top 1
                .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder());                      // W: none
        var conv = ConvolutionLayerParams.newBuilder().setOutputChannels(1).setKernelChannels(1).addKernelSize(1).addKernelSize(1)
                .setValid(ValidPadding.newBuilder().setPaddingAmounts(b)).setWeights(w(1));
        float[] y = one(layer("x", "y").setConvolution(conv).build(), new long[] {1, 1, 2, 2}, new float[] {1, 2, 3, 4}, new long[] {1, 1, 3, 2});
        assertArrayEquals(new float[] {0, 0, 1, 2, 3, 4}, y);
    }

    @Test
    void averagePoolExcludingPaddingLikeOnnxRuntimeEmitsIt() throws Exception {
        BorderAmounts.Builder b = BorderAmounts.newBuilder()
                .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder().setStartEdgeSize(1).setEndEdgeSize(1))
                .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder().setStartEdgeSize(1).setEndEdgeSize(1));
        var pool = PoolingLayerParams.newBuilder().setType(PoolingLayerParams.PoolingType.AVERAGE).addKernelSize(3).addKernelSize(3)
                .addStride(1).addStride(1).setValid(ValidPadding.newBuilder().setPaddingAmounts(b)).setAvgPoolExcludePadding(true);
        float[] y = one(layer("x", "y").setPooling(pool).build(), new long[] {1, 1, 3, 3}, MilOpsTest.NINE, new long[] {1, 1, 3, 3});
        assertEquals(3f, y[0], 1e-6);
        assertEquals(5f, y[4], 1e-6);
    }

    @Test
    void maxPoolWithValidPaddingAmountsSkipsThePadding() throws Exception {
        BorderAmounts.Builder b = BorderAmounts.newBuilder()
                .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder().setStartEdgeSize(1))   // H: top 1
                .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder().setStartEdgeSize(1));  // W: left 1
        var pool = PoolingLayerParams.newBuilder().setType(PoolingLayerParams.PoolingType.MAX).addKernelSize(2).addKernelSize(2)
                .addStride(2).addStride(2).setValid(ValidPadding.newBuilder().setPaddingAmounts(b));
        float[] neg = new float[9];
        for (int k = 0; k < 9; k++) neg[k] = -MilOpsTest.NINE[k];
        float[] y = one(layer("x", "y").setPooling(pool).build(), new long[] {1, 1, 3, 3}, neg, new long[] {1, 1, 2, 2});
        assertArrayEquals(new float[] {-1, -2, -4, -5}, y);
    }

    @Test
    void unaryExpScalesAndShiftsFirst() throws Exception {
        var exp = UnaryFunctionLayerParams.newBuilder().setType(UnaryFunctionLayerParams.Operation.EXP).setScale(2).setShift(1);
        assertArrayEquals(new float[] {(float) Math.exp(1), (float) Math.exp(3)},
                one(layer("x", "y").setUnary(exp).build(), new long[] {2}, new float[] {0, 1}, new long[] {2}));
        var plain = UnaryFunctionLayerParams.newBuilder().setType(UnaryFunctionLayerParams.Operation.EXP); // scale 0 reads as 1
        assertArrayEquals(new float[] {1, (float) Math.E},
                one(layer("x", "y").setUnary(plain).setName("plain").build(), new long[] {2}, new float[] {0, 1}, new long[] {2}));
    }

    @Test
    void reduceSumAndReduceMaxOverNegativeAndPositiveAxes() throws Exception {
        float[] x = {1, 2, 3, 4, 5, 6};
        var sum = ReduceSumLayerParams.newBuilder().addAxes(-1).setKeepDims(false);
        assertArrayEquals(new float[] {6, 15}, one(layer("x", "y").setReduceSum(sum).build(), new long[] {2, 3}, x, new long[] {2}));
        var max = ReduceMaxLayerParams.newBuilder().addAxes(0).setKeepDims(true);
        assertArrayEquals(new float[] {4, 5, 6}, one(layer("x", "y").setReduceMax(max).setName("max").build(), new long[] {2, 3}, x, new long[] {1, 3}));
        var all = ReduceMaxLayerParams.newBuilder().setReduceAll(true);
        assertArrayEquals(new float[] {6}, one(layer("x", "y").setReduceMax(all).setName("all").build(), new long[] {2, 3}, x, new long[] {1}));
    }

    @Test
    void sigmoidHardActivationClamps() throws Exception {
        var hard = ActivationParams.newBuilder().setSigmoidHard(ActivationSigmoidHard.newBuilder().setAlpha(0.25f).setBeta(0.5f));
        assertArrayEquals(new float[] {0, 0.5f, 0.875f, 1}, one(layer("x", "y").setActivation(hard).build(), new long[] {4},
                new float[] {-5, 0, 1.5f, 5}, new long[] {4}));
    }

    float[] upsample(UpsampleLayerParams.LinearUpsampleMode mode) throws Exception {
        var up = UpsampleLayerParams.newBuilder().addScalingFactor(1).addScalingFactor(2)
                .setMode(UpsampleLayerParams.InterpolationMode.BILINEAR).setLinearUpsampleMode(mode);
        return one(layer("x", "y").setUpsample(up).setName("up_" + mode).build(), new long[] {1, 1, 2}, new float[] {1, 3}, new long[] {1, 1, 4});
    }

    @Test
    void upsampleLinearModesMapCoordinatesAsTheProtoSays() throws Exception {
        // Xin 2, Xout 4. DEFAULT: spacing (2 - 0.5)/3 = 0.5 -> 0, .5, 1, 1 (clamped).
        assertArrayEquals(new float[] {1, 2, 3, 3}, upsample(UpsampleLayerParams.LinearUpsampleMode.DEFAULT), 1e-6f);
        assertArrayEquals(new float[] {1, 1 + 2 / 3f, 1 + 4 / 3f, 3}, upsample(UpsampleLayerParams.LinearUpsampleMode.ALIGN_CORNERS_TRUE), 1e-6f);
        assertArrayEquals(new float[] {1, 1.5f, 2.5f, 3}, upsample(UpsampleLayerParams.LinearUpsampleMode.ALIGN_CORNERS_FALSE), 1e-6f);
    }

    @Test
    void reorganizeDataMatchesTheProtoExample() throws Exception {
        float[] x = new float[16];
        for (int k = 0; k < 16; k++) x[k] = k + 1; // [C=8, H=1, W=2]
        var d2s = ReorganizeDataLayerParams.newBuilder().setMode(ReorganizeDataLayerParams.ReorganizationType.DEPTH_TO_SPACE).setBlockSize(2);
        assertArrayEquals(new float[] {1, 5, 2, 6, 9, 13, 10, 14, 3, 7, 4, 8, 11, 15, 12, 16},
                one(layer("x", "y").setReorganizeData(d2s).build(), new long[] {8, 1, 2}, x, new long[] {2, 2, 4}));
        var ps = ReorganizeDataLayerParams.newBuilder().setMode(ReorganizeDataLayerParams.ReorganizationType.PIXEL_SHUFFLE).setBlockSize(2);
        assertArrayEquals(new float[] {1, 3, 2, 4, 5, 7, 6, 8, 9, 11, 10, 12, 13, 15, 14, 16},
                one(layer("x", "y").setReorganizeData(ps).setName("ps").build(), new long[] {8, 1, 2}, x, new long[] {2, 2, 4}));
        var s2d = ReorganizeDataLayerParams.newBuilder().setMode(ReorganizeDataLayerParams.ReorganizationType.SPACE_TO_DEPTH).setBlockSize(2);
        assertArrayEquals(new float[] {1, 5, 2, 6, 3, 7, 4, 8},
                one(layer("x", "y").setReorganizeData(s2d).setName("s2d").build(), new long[] {2, 2, 2}, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new long[] {8, 1, 1}));
    }

    @Test
    void layerNormalizationAndSoftmaxNdAndTranspose() throws Exception {
        var ln = LayerNormalizationLayerParams.newBuilder().addNormalizedShape(2).setEps(0).setGamma(w(1, 2)).setBeta(w(0, 1));
        assertArrayEquals(new float[] {-1, 3, -1, 3}, one(layer("x", "y").setLayerNormalization(ln).build(), new long[] {2, 2},
                new float[] {1, 3, 5, 7}, new long[] {2, 2}), 1e-5f);
        var tr = TransposeLayerParams.newBuilder().addAxes(1).addAxes(0);
        assertArrayEquals(new float[] {1, 3, 2, 4}, one(layer("x", "y").setTranspose(tr).setName("t").build(), new long[] {2, 2},
                new float[] {1, 2, 3, 4}, new long[] {2, 2}));
    }

    @Test
    void classifierReturnsProbabilitiesThenTheTopIndexAndScalesBgrImages() throws Exception {
        // A 1x1 BGR image; scaler y = 2x + bias (blue -1, green 0, red 1); softmax-free "probabilities" = the pixels.
        FeatureDescription img = FeatureDescription.newBuilder().setName("image").setType(FeatureType.newBuilder()
                .setImageType(ImageFeatureType.newBuilder().setWidth(1).setHeight(1).setColorSpace(ImageFeatureType.ColorSpace.BGR))).build();
        var flat = FlattenLayerParams.newBuilder();
        Model m = Model.newBuilder().setSpecificationVersion(1)
                .setDescription(ModelDescription.newBuilder().addInput(img)
                        .addOutput(FeatureDescription.newBuilder().setName("label").setType(FeatureType.newBuilder()
                                .setStringType(dev.formwork.proto.coreml.CoreMlFeatureTypesProto.StringFeatureType.getDefaultInstance())))
                        .setPredictedFeatureName("label").setPredictedProbabilitiesName("probs"))
                .setNeuralNetworkClassifier(NeuralNetworkClassifier.newBuilder()
                        .addLayers(layer("image", "p").setFlatten(flat))
                        .addPreprocessing(NeuralNetworkPreprocessing.newBuilder().setFeatureName("image").setScaler(
                                NeuralNetworkImageScaler.newBuilder().setChannelScale(2).setBlueBias(-1).setGreenBias(0).setRedBias(1)))
                        .setStringClassLabels(StringVector.newBuilder().addVector("b").addVector("g").addVector("r"))).build();
        Path p = tmp.resolve("cls.mlmodel");
        Files.write(p, m.toByteArray());
        assertEquals(java.util.List.of(), CoreMlValidator.violations(p));
        try (CoreMlSession s = (CoreMlSession) new CoreMlRuntime().open(p, RunOptions.defaults())) {
            NdArray[] out = s.run(NdArray.of(new int[] {1, 3, 1, 1}, new float[] {10, 20, 5})); // R, G, B
            assertArrayEquals(new float[] {2 * 5 - 1, 2 * 20, 2 * 10 + 1}, out[0].data()); // model order B, G, R
            assertArrayEquals(new float[] {1}, out[1].data()); // "g" is the largest
            assertEquals("g", s.classLabels().get(1));
        }
    }
}
