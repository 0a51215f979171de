package dev.formwork.proto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ArrayFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ImageFeatureType;
import dev.formwork.proto.coreml.CoreMlMilProto;
import dev.formwork.proto.coreml.CoreMlMilProto.Argument;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.Dimension;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlMilProto.Program;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorType;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorValue;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlModelProto.ModelDescription;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.BorderAmounts;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ConvolutionLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.FlattenLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.GeluLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetwork;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkMultiArrayShapeMapping;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.PoolingLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ValidPadding;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;
import dev.formwork.proto.onnx.OnnxProto.AttributeProto;
import dev.formwork.proto.onnx.OnnxProto.GraphProto;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.OperatorSetIdProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.proto.onnx.OnnxProto.TensorShapeProto;
import dev.formwork.proto.onnx.OnnxProto.TypeProto;
import dev.formwork.proto.onnx.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checks the project's ONNX and Core ML schema subsets: hand-built messages survive a
 * serialize/parse round trip, and real files written by other tools parse into the expected
 * fields (a wrong field number would show up here as missing or unknown data).
 */
class ProtoRoundTripTest {

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = ProtoRoundTripTest.class.getResourceAsStream(path)) {
      assertNotNull(in, "missing test resource " + path);
      return in.readAllBytes();
    }
  }

  private static ValueInfoProto floatTensorInfo(String name, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                .setShape(shape)))
        .build();
  }

  // ---------------------------------------------------------------------------------------
  // ONNX

  @Test
  void onnxModelRoundTrip() throws Exception {
    byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
        .putFloat(0.5f).putFloat(-2f).array();
    ModelProto model = ModelProto.newBuilder()
        .setIrVersion(9)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(20))
        .setProducerName("formwork")
        .setProducerVersion("0.1.0")
        .setGraph(GraphProto.newBuilder()
            .setName("tiny")
            .addInput(floatTensorInfo("x", 1, 2))
            .addOutput(floatTensorInfo("z", 1, 2))
            .addInitializer(TensorProto.newBuilder()
                .setName("w").addDims(1).addDims(2)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw)))
            .addNode(NodeProto.newBuilder()
                .setOpType("Mul").setName("mul0").addInput("x").addInput("w").addOutput("y"))
            .addNode(NodeProto.newBuilder()
                .setOpType("Gelu").setName("gelu0").addInput("y").addOutput("z")
                .addAttribute(AttributeProto.newBuilder()
                    .setName("approximate")
                    .setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8("tanh")))))
        .build();

    ModelProto back = ModelProto.parseFrom(model.toByteArray());
    assertEquals(model, back);
    assertEquals(9, back.getIrVersion());
    assertEquals(20, back.getOpsetImport(0).getVersion());
    GraphProto g = back.getGraph();
    assertEquals(List.of("Mul", "Gelu"), g.getNodeList().stream().map(NodeProto::getOpType).toList());
    AttributeProto attr = g.getNode(1).getAttribute(0);
    assertEquals(AttributeProto.AttributeType.STRING, attr.getType());
    assertEquals("tanh", attr.getS().toStringUtf8());
    assertEquals(2, g.getInput(0).getType().getTensorType().getShape().getDim(1).getDimValue());
    TensorProto w = g.getInitializer(0);
    assertEquals(List.of(1L, 2L), w.getDimsList());
    ByteBuffer wb = w.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0.5f, wb.getFloat());
    assertEquals(-2f, wb.getFloat());
  }

  @Test
  void onnxRepeatedNumericFieldsArePacked() throws Exception {
    TensorProto t = TensorProto.newBuilder().addFloatData(1f).addFloatData(2f).build();
    byte[] bytes = t.toByteArray();
    // Field 4, wire type 2 (length-delimited) = one packed run of 2 x 4 bytes.
    assertEquals((4 << 3) | 2, bytes[0]);
    assertEquals(8, bytes[1]);
    assertEquals(10, bytes.length);
  }

  @Test
  void onnxConformanceGeluCaseParses() throws Exception {
    String dir = "/onnx-node/test_gelu_default_1/";
    ModelProto model = ModelProto.parseFrom(resource(dir + "model.onnx"));
    assertEquals(9, model.getIrVersion());
    assertEquals(1, model.getOpsetImportCount());
    assertEquals("", model.getOpsetImport(0).getDomain());
    assertEquals(20, model.getOpsetImport(0).getVersion());
    GraphProto g = model.getGraph();
    assertEquals(1, g.getNodeCount());
    assertEquals("Gelu", g.getNode(0).getOpType());
    assertEquals("x", g.getInput(0).getName());
    assertEquals("y", g.getOutput(0).getName());
    assertEquals(TensorProto.DataType.FLOAT_VALUE, g.getInput(0).getType().getTensorType().getElemType());
    assertEquals(3, g.getInput(0).getType().getTensorType().getShape().getDim(0).getDimValue());
    assertTrue(model.getUnknownFields().asMap().isEmpty(), "unexpected unknown fields in model.onnx");

    TensorProto in = TensorProto.parseFrom(resource(dir + "test_data_set_0/input_0.pb"));
    TensorProto out = TensorProto.parseFrom(resource(dir + "test_data_set_0/output_0.pb"));
    assertEquals("x", in.getName());
    assertEquals("y", out.getName());
    assertEquals(TensorProto.DataType.FLOAT_VALUE, in.getDataType());
    assertEquals(List.of(3L), in.getDimsList());
    float[] x = floats(in);
    float[] y = floats(out);
    assertEquals(3, x.length);
    for (int i = 0; i < x.length; i++) {
      double erfGelu = 0.5 * x[i] * (1 + erf(x[i] / Math.sqrt(2)));
      assertEquals(erfGelu, y[i], 1e-5, "gelu(" + x[i] + ")");
    }
  }

  private static float[] floats(TensorProto t) {
    if (t.getFloatDataCount() > 0) {
      float[] r = new float[t.getFloatDataCount()];
      for (int i = 0; i < r.length; i++) {
        r[i] = t.getFloatData(i);
      }
      return r;
    }
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] r = new float[b.remaining() / 4];
    for (int i = 0; i < r.length; i++) {
      r[i] = b.getFloat();
    }
    return r;
  }

  /** Abramowitz-Stegun 7.1.26 (abs error < 1.5e-7), enough to check the reference output. */
  private static double erf(double v) {
    double s = Math.signum(v);
    double a = Math.abs(v);
    double t = 1 / (1 + 0.3275911 * a);
    double p = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741
        + t * (-1.453152027 + t * 1.061405429))));
    return s * (1 - p * Math.exp(-a * a));
  }

  // ---------------------------------------------------------------------------------------
  // Core ML

  private static FeatureDescription floatArray(String name, long... shape) {
    ArrayFeatureType.Builder a = ArrayFeatureType.newBuilder()
        .setDataType(ArrayFeatureType.ArrayDataType.FLOAT32);
    for (long s : shape) {
      a.addShape(s);
    }
    return FeatureDescription.newBuilder()
        .setName(name)
        .setType(FeatureType.newBuilder().setMultiArrayType(a))
        .build();
  }

  private static ValueType fp32Tensor(long... dims) {
    TensorType.Builder t = TensorType.newBuilder()
        .setDataType(CoreMlMilProto.DataType.FLOAT32)
        .setRank(dims.length);
    for (long d : dims) {
      t.addDimensions(Dimension.newBuilder()
          .setConstant(Dimension.ConstantDimension.newBuilder().setSize(d)));
    }
    return ValueType.newBuilder().setTensorType(t).build();
  }

  private static Value stringScalar(String s) {
    return Value.newBuilder()
        .setType(ValueType.newBuilder().setTensorType(TensorType.newBuilder()
            .setDataType(CoreMlMilProto.DataType.STRING).setRank(0)))
        .setImmediateValue(Value.ImmediateValue.newBuilder()
            .setTensor(TensorValue.newBuilder()
                .setStrings(TensorValue.RepeatedStrings.newBuilder().addValues(s))))
        .build();
  }

  @Test
  void coreMlProgramRoundTrip() throws Exception {
    Operation weight = Operation.newBuilder()
        .setType("const")
        .putAttributes("name", stringScalar("w"))
        .putAttributes("val", Value.newBuilder()
            .setType(fp32Tensor(1, 4))
            .setBlobFileValue(Value.BlobFileValue.newBuilder()
                .setFileName("@model_path/weights/weight.bin").setOffset(64))
            .build())
        .addOutputs(NamedValueType.newBuilder().setName("w").setType(fp32Tensor(1, 4)))
        .build();
    Operation add = Operation.newBuilder()
        .setType("add")
        .putInputs("x", Argument.newBuilder()
            .addArguments(Argument.Binding.newBuilder().setName("x")).build())
        .putInputs("y", Argument.newBuilder()
            .addArguments(Argument.Binding.newBuilder().setName("w")).build())
        .putAttributes("name", stringScalar("add_0"))
        .addOutputs(NamedValueType.newBuilder().setName("y").setType(fp32Tensor(1, 4)))
        .build();
    Program program = Program.newBuilder()
        .setVersion(1)
        .putFunctions("main", CoreMlMilProto.Function.newBuilder()
            .addInputs(NamedValueType.newBuilder().setName("x").setType(fp32Tensor(1, 4)))
            .setOpset("CoreML5")
            .putBlockSpecializations("CoreML5", Block.newBuilder()
                .addOperations(weight).addOperations(add).addOutputs("y").build())
            .build())
        .build();
    Model model = Model.newBuilder()
        .setSpecificationVersion(6)
        .setDescription(ModelDescription.newBuilder()
            .addInput(floatArray("x", 1, 4))
            .addOutput(floatArray("y", 1, 4)))
        .setMlProgram(program)
        .build();

    byte[] bytes = model.toByteArray();
    // specificationVersion is field 1 (varint): 0x08 0x06.
    assertEquals(0x08, bytes[0]);
    assertEquals(6, bytes[1]);
    Model back = Model.parseFrom(bytes);
    assertEquals(model, back);
    assertEquals(Model.TypeCase.MLPROGRAM, back.getTypeCase());
    CoreMlMilProto.Function main = back.getMlProgram().getFunctionsOrThrow("main");
    assertEquals("CoreML5", main.getOpset());
    Block block = main.getBlockSpecializationsOrThrow(main.getOpset());
    assertEquals(List.of("const", "add"),
        block.getOperationsList().stream().map(Operation::getType).toList());
    Value val = block.getOperations(0).getAttributesOrThrow("val");
    assertEquals(64, val.getBlobFileValue().getOffset());
    assertEquals("w", block.getOperations(1).getInputsOrThrow("y").getArguments(0).getName());
    assertEquals("add_0", block.getOperations(1).getAttributesOrThrow("name")
        .getImmediateValue().getTensor().getStrings().getValues(0));
    assertEquals(ArrayFeatureType.ArrayDataType.FLOAT32,
        back.getDescription().getOutput(0).getType().getMultiArrayType().getDataType());
  }

  @Test
  void coreMlNeuralNetworkRoundTrip() throws Exception {
    ValidPadding pad1 = ValidPadding.newBuilder()
        .setPaddingAmounts(BorderAmounts.newBuilder()
            .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder().setStartEdgeSize(1).setEndEdgeSize(1))
            .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder().setStartEdgeSize(1).setEndEdgeSize(1)))
        .build();
    NeuralNetworkLayer conv = NeuralNetworkLayer.newBuilder()
        .setName("conv0").addInput("x").addOutput("c")
        .setConvolution(ConvolutionLayerParams.newBuilder()
            .setOutputChannels(2).setKernelChannels(1).setNGroups(1)
            .addKernelSize(1).addKernelSize(1).addStride(1).addStride(1)
            .setValid(ValidPadding.getDefaultInstance())
            .setHasBias(false)
            .setWeights(WeightParams.newBuilder().addFloatValue(1f).addFloatValue(-1f)))
        .build();
    NeuralNetworkLayer pool = NeuralNetworkLayer.newBuilder()
        .setName("pool0").addInput("c").addOutput("p")
        .setPooling(PoolingLayerParams.newBuilder()
            .setType(PoolingLayerParams.PoolingType.AVERAGE)
            .addKernelSize(3).addKernelSize(3).addStride(1).addStride(1)
            .setValid(pad1).setAvgPoolExcludePadding(true))
        .build();
    NeuralNetworkLayer gelu = NeuralNetworkLayer.newBuilder()
        .setName("gelu0").addInput("p").addOutput("y")
        .setGelu(GeluLayerParams.newBuilder().setMode(GeluLayerParams.GeluMode.TANH_APPROXIMATION))
        .build();
    Model model = Model.newBuilder()
        .setSpecificationVersion(4)
        .setDescription(ModelDescription.newBuilder()
            .addInput(floatArray("x", 1, 1, 4, 4))
            .addOutput(floatArray("y", 1, 2, 4, 4)))
        .setNeuralNetwork(NeuralNetwork.newBuilder()
            .setArrayInputShapeMapping(NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING)
            .addLayers(conv).addLayers(pool).addLayers(gelu))
        .build();

    Model back = Model.parseFrom(model.toByteArray());
    assertEquals(model, back);
    NeuralNetwork nn = back.getNeuralNetwork();
    assertEquals(NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING, nn.getArrayInputShapeMapping());
    assertEquals(List.of(NeuralNetworkLayer.LayerCase.CONVOLUTION, NeuralNetworkLayer.LayerCase.POOLING,
            NeuralNetworkLayer.LayerCase.GELU),
        nn.getLayersList().stream().map(NeuralNetworkLayer::getLayerCase).toList());
    // The oneof case numbers are the wire field numbers of the Core ML specification.
    assertEquals(100, NeuralNetworkLayer.LayerCase.CONVOLUTION.getNumber());
    assertEquals(120, NeuralNetworkLayer.LayerCase.POOLING.getNumber());
    assertEquals(795, NeuralNetworkLayer.LayerCase.GELU.getNumber());
    assertEquals(ConvolutionLayerParams.ConvolutionPaddingTypeCase.VALID,
        nn.getLayers(0).getConvolution().getConvolutionPaddingTypeCase());
    assertArrayEquals(new float[] {1f, -1f}, toArray(nn.getLayers(0).getConvolution().getWeights().getFloatValueList()));
    PoolingLayerParams p = nn.getLayers(1).getPooling();
    assertTrue(p.getAvgPoolExcludePadding());
    assertEquals(1, p.getValid().getPaddingAmounts().getBorderAmounts(1).getEndEdgeSize());
    assertEquals(GeluLayerParams.GeluMode.TANH_APPROXIMATION, nn.getLayers(2).getGelu().getMode());
  }

  private static float[] toArray(List<Float> list) {
    float[] r = new float[list.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = list.get(i);
    }
    return r;
  }

  @Test
  void tinyDrawingEmbeddingParses() throws Exception {
    Model model = Model.parseFrom(resource("/coreml-samples/TinyDrawingEmbedding.mlmodel"));
    assertEquals(1, model.getSpecificationVersion());
    ModelDescription d = model.getDescription();
    assertEquals("drawing", d.getInput(0).getName());
    ImageFeatureType img = d.getInput(0).getType().getImageType();
    assertEquals(28, img.getWidth());
    assertEquals(28, img.getHeight());
    assertEquals(ImageFeatureType.ColorSpace.GRAYSCALE, img.getColorSpace());
    assertEquals("embedding", d.getOutput(0).getName());
    assertEquals(List.of(128L), d.getOutput(0).getType().getMultiArrayType().getShapeList());
    assertEquals(ArrayFeatureType.ArrayDataType.FLOAT32,
        d.getOutput(0).getType().getMultiArrayType().getDataType());
    assertFalse(d.getMetadata().getAuthor().isEmpty());

    assertEquals(Model.TypeCase.NEURALNETWORK, model.getTypeCase());
    List<NeuralNetworkLayer> layers = model.getNeuralNetwork().getLayersList();
    assertEquals(12, layers.size());
    Set<NeuralNetworkLayer.LayerCase> known = EnumSet.of(
        NeuralNetworkLayer.LayerCase.CONVOLUTION, NeuralNetworkLayer.LayerCase.POOLING,
        NeuralNetworkLayer.LayerCase.ACTIVATION, NeuralNetworkLayer.LayerCase.FLATTEN,
        NeuralNetworkLayer.LayerCase.INNERPRODUCT);
    for (NeuralNetworkLayer l : layers) {
      assertTrue(known.contains(l.getLayerCase()), l.getName() + " parsed as " + l.getLayerCase());
      assertTrue(l.getUnknownFields().asMap().isEmpty(), l.getName() + " has unknown fields");
    }
    assertEquals(3, count(layers, NeuralNetworkLayer.LayerCase.CONVOLUTION));
    assertEquals(3, count(layers, NeuralNetworkLayer.LayerCase.POOLING));
    assertEquals(4, count(layers, NeuralNetworkLayer.LayerCase.ACTIVATION));
    assertEquals(1, count(layers, NeuralNetworkLayer.LayerCase.FLATTEN));
    assertEquals(1, count(layers, NeuralNetworkLayer.LayerCase.INNERPRODUCT));

    ConvolutionLayerParams conv0 = layers.get(0).getConvolution();
    assertEquals("drawing", layers.get(0).getInput(0));
    assertEquals(16, conv0.getOutputChannels());
    assertEquals(1, conv0.getKernelChannels());
    assertEquals(List.of(3L, 3L), conv0.getKernelSizeList());
    assertEquals(ConvolutionLayerParams.ConvolutionPaddingTypeCase.SAME, conv0.getConvolutionPaddingTypeCase());
    assertTrue(conv0.getHasBias());
    assertEquals(16 * 1 * 3 * 3, conv0.getWeights().getFloatValueCount());
    assertEquals(16, conv0.getBias().getFloatValueCount());
    assertTrue(layers.get(1).getActivation().hasReLU());

    NeuralNetworkLayer pool = layers.stream()
        .filter(l -> l.getLayerCase() == NeuralNetworkLayer.LayerCase.POOLING).findFirst().orElseThrow();
    assertEquals(PoolingLayerParams.PoolingType.MAX, pool.getPooling().getType());
    assertEquals(List.of(2L, 2L), pool.getPooling().getStrideList());
    assertEquals(PoolingLayerParams.PoolingPaddingTypeCase.VALID, pool.getPooling().getPoolingPaddingTypeCase());

    NeuralNetworkLayer fc = layers.get(10);
    assertEquals(NeuralNetworkLayer.LayerCase.INNERPRODUCT, fc.getLayerCase());
    assertEquals(576, fc.getInnerProduct().getInputChannels());
    assertEquals(128, fc.getInnerProduct().getOutputChannels());
    assertEquals(576 * 128, fc.getInnerProduct().getWeights().getFloatValueCount());
    assertEquals("embedding", layers.get(11).getOutput(0));
    assertTrue(model.getUnknownFields().asMap().isEmpty());
  }

  @Test
  void kerasDenseSampleParses() throws Exception {
    Model model = Model.parseFrom(resource("/coreml-samples/keras2coreml_Dense_ImageNet_small.mlmodel"));
    assertEquals(1, model.getSpecificationVersion());
    FeatureDescription in = model.getDescription().getInput(0);
    assertEquals("input1", in.getName());
    assertEquals(ArrayFeatureType.ArrayDataType.DOUBLE, in.getType().getMultiArrayType().getDataType());
    assertEquals(List.of(3L, 3L, 3L), in.getType().getMultiArrayType().getShapeList());
    assertEquals("output1", model.getDescription().getOutput(0).getName());

    List<NeuralNetworkLayer> layers = model.getNeuralNetwork().getLayersList();
    assertEquals(2, layers.size());
    assertEquals(NeuralNetworkLayer.LayerCase.FLATTEN, layers.get(0).getLayerCase());
    assertEquals(FlattenLayerParams.FlattenOrder.CHANNEL_LAST, layers.get(0).getFlatten().getMode());
    assertEquals(NeuralNetworkLayer.LayerCase.INNERPRODUCT, layers.get(1).getLayerCase());
    assertEquals(27, layers.get(1).getInnerProduct().getInputChannels());
    assertEquals(2, layers.get(1).getInnerProduct().getOutputChannels());
    assertTrue(layers.get(1).getInnerProduct().getHasBias());
    assertEquals(2, layers.get(1).getInnerProduct().getBias().getFloatValueCount());
    assertEquals("output1", layers.get(1).getOutput(0));
    // Re-serialising what we parsed reproduces the file byte for byte.
    assertArrayEquals(resource("/coreml-samples/keras2coreml_Dense_ImageNet_small.mlmodel"), model.toByteArray());
  }

  private static long count(List<NeuralNetworkLayer> layers, NeuralNetworkLayer.LayerCase c) {
    return layers.stream().filter(l -> l.getLayerCase() == c).count();
  }
}
