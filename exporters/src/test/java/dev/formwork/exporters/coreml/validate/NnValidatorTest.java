package dev.formwork.exporters.coreml.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ArrayFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlModelProto.ModelDescription;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.*;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One deliberately broken NeuralNetwork per load rule; legal legacy samples stay clean. */
class NnValidatorTest {
    @TempDir
    Path tmp;
    int n;

    static FeatureDescription array(String name, long... shape) {
        ArrayFeatureType.Builder a = ArrayFeatureType.newBuilder().setDataType(ArrayFeatureType.ArrayDataType.FLOAT32);
        for (long s : shape) a.addShape(s);
        return FeatureDescription.newBuilder().setName(name).setType(FeatureType.newBuilder().setMultiArrayType(a)).build();
    }

    static WeightParams w(int count) {
        WeightParams.Builder b = WeightParams.newBuilder();
        for (int k = 0; k < count; k++) b.addFloatValue(k);
        return b.build();
    }

    /** x [1,2,4,4] -> conv 2->2 1x1 -> softmaxND(axis 1) -> y, spec 4, EXACT mapping. */
    Model.Builder base() {
        var conv = ConvolutionLayerParams.newBuilder().setOutputChannels(2).setKernelChannels(2).addKernelSize(1).addKernelSize(1)
                .setValid(ValidPadding.getDefaultInstance()).setWeights(w(4)).setHasBias(true).setBias(w(2));
        return Model.newBuilder().setSpecificationVersion(4)
                .setDescription(ModelDescription.newBuilder().addInput(array("x", 1, 2, 4, 4)).addOutput(array("y", 1, 2, 4, 4)))
                .setNeuralNetwork(NeuralNetwork.newBuilder()
                        .setArrayInputShapeMapping(NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING)
                        .addLayers(NeuralNetworkLayer.newBuilder().setName("conv").addInput("x").addOutput("c").setConvolution(conv))
                        .addLayers(NeuralNetworkLayer.newBuilder().setName("sm").addInput("c").addOutput("y")
                                .setSoftmaxND(SoftmaxNDLayerParams.newBuilder().setAxis(1))));
    }

    Path write(Model.Builder m) throws Exception {
        Path p = tmp.resolve("m" + n++ + ".mlmodel");
        Files.write(p, m.build().toByteArray());
        return p;
    }

    Path broken(Consumer<Model.Builder> edit) throws Exception {
        Model.Builder b = base();
        edit.accept(b);
        return write(b);
    }

    static void flags(Path p, String fragment) {
        List<String> v = CoreMlValidator.violations(p);
        // read layer by layer (as every .mlmodel is) with the same findings, in the same order, as the whole message
        assertEquals(CoreMlValidator.violationsOfWholeMessage(p), CoreMlValidator.nnLayerByLayer(p), p.toString());
        assertTrue(v.stream().anyMatch(s -> s.contains(fragment)), "expected a violation containing '" + fragment + "', got " + v);
    }

    static NeuralNetworkLayer.Builder layer(Model.Builder b, int k) {
        return b.getNeuralNetworkBuilder().getLayersBuilder(k);
    }

    static NeuralNetworkLayer.Builder add(Model.Builder b, String name, String in, String out) {
        return b.getNeuralNetworkBuilder().addLayersBuilder().setName(name).addInput(in).addOutput(out);
    }

    @Test
    void theBaseModelAndTheLegacySamplesAreClean() throws Exception {
        assertEquals(List.of(), CoreMlValidator.violations(write(base())));
        for (String s : new String[] {"TinyDrawingEmbedding.mlmodel", "keras2coreml_Dense_ImageNet_small.mlmodel"}) {
            assertEquals(List.of(), CoreMlValidator.violations(sample(s)), s);
        }
    }

    static Path sample(String name) throws URISyntaxException {
        return Path.of(NnValidatorTest.class.getResource("/coreml-samples/" + name).toURI());
    }

    @Test
    void specificationVersionRules() throws Exception {
        flags(broken(b -> b.setSpecificationVersion(0)), "missing or corrupt");
        flags(broken(b -> b.setSpecificationVersion(3)), "needs specificationVersion >= 4");
        flags(broken(b -> b.getNeuralNetworkBuilder().setArrayInputShapeMapping(NeuralNetworkMultiArrayShapeMapping.RANK5_ARRAY_MAPPING)),
                "use EXACT_ARRAY_MAPPING");
        flags(broken(b -> {
            b.setSpecificationVersion(1);
            layer(b, 0).getConvolutionBuilder().setWeights(WeightParams.newBuilder().setFloat16Value(ByteString.copyFrom(new byte[8])))
                    .setBias(WeightParams.newBuilder().setFloat16Value(ByteString.copyFrom(new byte[4])));
        }), "float16 weights, which need specificationVersion >= 2");
    }

    @Test
    void topologyAndOutputs() throws Exception {
        flags(broken(b -> layer(b, 1).setInput(0, "nowhere")), "no earlier layer or model input produces");
        flags(broken(b -> layer(b, 1).setOutput(0, "c")), "already produced");
        flags(broken(b -> b.getDescriptionBuilder().getOutputBuilder(0).setName("z")), "output 'z' is not produced by any layer");
        flags(broken(b -> b.getNeuralNetworkBuilder().clearLayers()), "at least one layer");
    }

    @Test
    void layerParameterRules() throws Exception {
        flags(broken(b -> layer(b, 0).getConvolutionBuilder().setWeights(w(3))), "weights has 3 values, expected 4");
        flags(broken(b -> layer(b, 0).getConvolutionBuilder().clearValid()), "padding type (valid or same) is not set");
        flags(broken(b -> layer(b, 0).getConvolutionBuilder().setBias(WeightParams.newBuilder()
                .setFloat16Value(ByteString.copyFrom(new byte[4])))), "mixes float16 and float32");
        flags(broken(b -> layer(b, 1).setSoftmaxND(SoftmaxNDLayerParams.newBuilder().setAxis(4))), "axis 4 is outside [-4, 4)");
        flags(broken(b -> add(b, "ln", "y", "ln").setLayerNormalization(LayerNormalizationLayerParams.newBuilder()
                .addNormalizedShape(4).setGamma(WeightParams.newBuilder().setFloat16Value(ByteString.copyFrom(new byte[8]))).setBeta(w(4)))),
                "float16Value is not accepted");
        flags(broken(b -> add(b, "r", "y", "r").setReorganizeData(ReorganizeDataLayerParams.newBuilder().setBlockSize(1))),
                "blockSize must be >= 2");
        flags(broken(b -> add(b, "t", "y", "t").setTranspose(TransposeLayerParams.getDefaultInstance())), "axes are required");
        flags(broken(b -> add(b, "rs", "y", "rs").setReshapeStatic(ReshapeStaticLayerParams.getDefaultInstance())), "targetShape is required");
        flags(broken(b -> add(b, "k", "y", "k").setLoadConstantND(LoadConstantNDLayerParams.newBuilder().addShape(2).setData(w(3)))
                .clearInput()), "data has 3 values, expected 2");
        flags(broken(b -> add(b, "bm", "y", "bm").addInput("c").setBatchedMatmul(BatchedMatMulLayerParams.newBuilder().setHasBias(true))),
                "hasBias is only supported with one input");
    }

    @Test
    void importLayerRules() throws Exception {
        flags(broken(b -> add(b, "s", "y", "s").setReduceSum(ReduceSumLayerParams.newBuilder().addAxes(-5))), "axis -5 is outside [-4, 4)");
        flags(broken(b -> add(b, "m", "y", "m").setReduceMax(ReduceMaxLayerParams.getDefaultInstance())), "axes are required unless reduceAll");
        // reduceSum without keepDims drops two axes: a pooling after it sees rank 2.
        flags(broken(b -> {
            add(b, "s", "y", "s").setReduceSum(ReduceSumLayerParams.newBuilder().addAxes(2).addAxes(3));
            add(b, "p", "s", "p").setPooling(PoolingLayerParams.newBuilder().setType(PoolingLayerParams.PoolingType.MAX)
                    .setValid(ValidPadding.getDefaultInstance()));
        }), "pooling needs rank >= 4, input has 2");
        NeuralNetworkLayer unary = NeuralNetworkLayer.newBuilder().setUnary(UnaryFunctionLayerParams.newBuilder()
                .setType(UnaryFunctionLayerParams.Operation.EXP)).build();
        assertTrue(NnLayerVersions.isIos12Layer(unary), "unary is in the iOS 12 layer set");
        assertEquals(1, NnLayerVersions.minimumSpec(unary));
        assertEquals(4, NnLayerVersions.minimumSpec(NeuralNetworkLayer.newBuilder().setReduceSum(ReduceSumLayerParams.getDefaultInstance()).build()));
    }

    @Test
    void rankConsistencyAndLegacyInputs() throws Exception {
        flags(broken(b -> layer(b, 0).addInputTensor(Tensor.newBuilder().setRank(3))), "declared with rank 3 here and rank 4 elsewhere");
        Model.Builder legacy = Model.newBuilder().setSpecificationVersion(1)
                .setDescription(ModelDescription.newBuilder().addInput(array("x", 2, 3)).addOutput(array("y", 2, 3)))
                .setNeuralNetwork(NeuralNetwork.newBuilder().addLayers(NeuralNetworkLayer.newBuilder().setName("a").addInput("x").addOutput("y")
                        .setActivation(ActivationParams.newBuilder().setReLU(ActivationReLU.getDefaultInstance()))));
        flags(write(legacy), "rank 1 or 3");
    }
}
