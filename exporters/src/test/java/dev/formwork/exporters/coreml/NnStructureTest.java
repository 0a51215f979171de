package dev.formwork.exporters.coreml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Half;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkMultiArrayShapeMapping;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.PoolingLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReorganizeDataLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.UpsampleLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NeuralNetwork (.mlmodel) structure per op family. */
class NnStructureTest {
    @TempDir Path dir;

    private Model write(Graph g, ExportOptions o) throws Exception {
        return CoreMlFiles.model(CoreMlFiles.mlmodel(g, o.withName(g.name() + o.coremlMinIos() + o.precisionExplicit()), dir));
    }

    private static NeuralNetworkLayer layer(Model m, LayerCase c) {
        for (NeuralNetworkLayer l : m.getNeuralNetwork().getLayersList()) if (l.getLayerCase() == c) return l;
        throw new AssertionError("no " + c + " layer");
    }

    private static float[] floats(WeightParams w) {
        if (w.getFloatValueCount() > 0) {
            float[] r = new float[w.getFloatValueCount()];
            for (int i = 0; i < r.length; i++) r[i] = w.getFloatValue(i);
            return r;
        }
        var b = w.getFloat16Value();
        float[] r = new float[b.size() / 2];
        for (int i = 0; i < r.length; i++) r[i] = Half.toFloat((short) ((b.byteAt(2 * i) & 0xff) | (b.byteAt(2 * i + 1) << 8)));
        return r;
    }

    @Test
    void spec4ExactMappingTopologicalAndEachBlobOnce() throws Exception {
        for (Graph g : new Graph[] {TinyGraphs.stem(2), TinyGraphs.meta4d(), TinyGraphs.attention()}) {
            Model m = write(g, new ExportOptions());
            assertEquals(4, m.getSpecificationVersion(), g.name());
            assertEquals(NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING, m.getNeuralNetwork().getArrayInputShapeMapping());
            Set<String> blobs = new HashSet<>(), names = new HashSet<>();
            m.getDescription().getInputList().forEach(i -> blobs.add(i.getName()));
            for (NeuralNetworkLayer l : m.getNeuralNetwork().getLayersList()) {
                assertTrue(names.add(l.getName()), "layer name " + l.getName());
                for (String i : l.getInputList()) assertTrue(blobs.contains(i), l.getName() + " reads " + i + " before it is written");
                for (String o : l.getOutputList()) assertTrue(blobs.add(o), "blob " + o + " written twice");
                assertEquals(l.getInputCount(), l.getInputTensorCount());
                assertEquals(l.getOutputCount(), l.getOutputTensorCount());
            }
            for (var o : m.getDescription().getOutputList()) assertTrue(blobs.contains(o.getName()));
        }
    }

    @Test
    void streamedFileIsTheCanonicalSerialisation() throws Exception {
        for (Graph g : new Graph[] {TinyGraphs.stem(1), TinyGraphs.attention()}) {
            for (ExportOptions o : new ExportOptions[] {new ExportOptions(), new ExportOptions().withPrecision(ExportOptions.Precision.FP16, true)}) {
                Path p = CoreMlFiles.mlmodel(g, o.withName("s" + o.precision()), dir);
                byte[] file = java.nio.file.Files.readAllBytes(p);
                Model m = Model.parseFrom(file);
                for (NeuralNetworkLayer l : m.getNeuralNetwork().getLayersList()) {
                    for (var e : l.getAllFields().entrySet()) {
                        if (e.getValue() instanceof com.google.protobuf.Message params) {
                            for (var f : params.getAllFields().values()) {
                                if (f instanceof WeightParams w) assertTrue(w.getRawValue().isEmpty(), l.getName() + ": no placeholder left");
                            }
                        }
                    }
                }
                assertArrayEquals(dev.formwork.exporters.coreml.mil.MlPackage.serialize(m), file, "re-serialised bytes equal the streamed file");
            }
        }
        Path c = CoreMlFiles.mlmodel(TinyGraphs.meta4d(), new ExportOptions().withName("cls").withLabels(List.of("a", "b", "c", "d", "e")), dir);
        byte[] file = java.nio.file.Files.readAllBytes(c);
        assertArrayEquals(dev.formwork.exporters.coreml.mil.MlPackage.serialize(Model.parseFrom(file)), file, "classifier");
    }

    @Test
    void convolutionAndPoolingUseValidPaddingAmounts() throws Exception {
        Random r = new Random(5);
        Graph g = new Graph("conv");
        Value x = g.addInput("x", ValueType.f32(1, 4, 9, 9));
        Value y = g.apply("Conv", "c", Attributes.of("strides", new long[] {2, 1}, "pads", new long[] {1, 2, 0, 3}, "groups", 4L),
                x, g.addConstant("w", TinyGraphs.random(r, 8, 1, 3, 3)), g.addConstant("b", TinyGraphs.random(r, 8)));
        g.addOutput(g.apply("AveragePool", "p", Attributes.of("kernel", new long[] {3, 3}, "pads", new long[] {1, 1, 1, 1}), y));
        Model m = write(g, new ExportOptions());
        var c = layer(m, LayerCase.CONVOLUTION).getConvolution();
        assertEquals(8, c.getOutputChannels());
        assertEquals(1, c.getKernelChannels());
        assertEquals(4, c.getNGroups());
        assertEquals(List.of(2L, 1L), c.getStrideList());
        var amounts = c.getValid().getPaddingAmounts().getBorderAmountsList();
        assertEquals(1, amounts.get(0).getStartEdgeSize());
        assertEquals(0, amounts.get(0).getEndEdgeSize());
        assertEquals(2, amounts.get(1).getStartEdgeSize());
        assertEquals(3, amounts.get(1).getEndEdgeSize());
        assertTrue(c.getHasBias());
        assertArrayEquals(g.constant("w").constant().toFloatArray(), floats(c.getWeights()));
        var p = layer(m, LayerCase.POOLING).getPooling();
        assertEquals(PoolingLayerParams.PoolingType.AVERAGE, p.getType());
        assertTrue(p.getAvgPoolExcludePadding());
        assertTrue(p.hasValid());
    }

    @Test
    void linearIsInnerProductOnVectorsAndBatchedMatmulOnTokens() throws Exception {
        Model m = write(TinyGraphs.attention(), new ExportOptions());
        NeuralNetworkLayer qkv = m.getNeuralNetwork().getLayersList().stream().filter(l -> l.getName().equals("qkv")).findFirst().orElseThrow();
        assertEquals(LayerCase.BATCHEDMATMUL, qkv.getLayerCase());
        var bm = qkv.getBatchedMatmul();
        assertEquals(8, bm.getWeightMatrixFirstDimension());
        assertEquals(16, bm.getWeightMatrixSecondDimension());
        assertTrue(bm.getHasBias());
        assertArrayEquals(TinyGraphs.attention().constant("qkv.w").constant().toFloatArray(), floats(bm.getWeights()),
                "column-major [in, out] == PyTorch [out, in] row-major");
        Model head = write(TinyGraphs.meta4d(), new ExportOptions());
        var ip = layer(head, LayerCase.INNERPRODUCT).getInnerProduct();
        assertEquals(8, ip.getInputChannels());
        assertEquals(5, ip.getOutputChannels());
        var ln = layer(m, LayerCase.LAYERNORMALIZATION).getLayerNormalization();
        assertEquals(List.of(8L), ln.getNormalizedShapeList());
        assertEquals(1e-5f, ln.getEps());
        assertEquals(2, m.getNeuralNetwork().getLayersList().stream().filter(l -> l.getLayerCase() == LayerCase.BATCHEDMATMUL && l.getInputCount() == 2).count());
        var bias = m.getNeuralNetwork().getLayersList().stream().filter(l -> l.getLayerCase() == LayerCase.LOADCONSTANTND && l.getLoadConstantND().getShapeCount() == 3).findFirst().orElseThrow();
        assertEquals(List.of(2L, 4L, 4L), bias.getLoadConstantND().getShapeList(), "the gathered attention bias");
    }

    @Test
    void fp16WeightsOnlyWhenAskedExplicitlyAndLayerNormStaysFp32() throws Exception {
        Model def = write(TinyGraphs.attention(), new ExportOptions());
        assertTrue(layer(def, LayerCase.BATCHEDMATMUL).getBatchedMatmul().getWeights().getFloatValueCount() > 0);
        Model half = write(TinyGraphs.attention(), new ExportOptions().withPrecision(ExportOptions.Precision.FP16, true));
        var w = half.getNeuralNetwork().getLayersList().stream().filter(l -> l.getName().equals("qkv")).findFirst().orElseThrow().getBatchedMatmul();
        assertEquals(0, w.getWeights().getFloatValueCount());
        assertEquals(16 * 8 * 2, w.getWeights().getFloat16Value().size());
        assertEquals(16 * 2, w.getBias().getFloat16Value().size(), "weights and bias share one precision");
        var ln = layer(half, LayerCase.LAYERNORMALIZATION).getLayerNormalization();
        assertEquals(8, ln.getGamma().getFloatValueCount());
        assertEquals(8, ln.getBeta().getFloatValueCount());
    }

    @Test
    void upsampleIsAlignCornersFalseAndNeedsSpec5() throws Exception {
        Graph g = new Graph("up");
        Value x = g.addInput("x", ValueType.f32(1, 2, 4, 4));
        Value u = g.apply("Resize", "up", Attributes.of("scales", new double[] {2.0, 2.0}), x);
        g.addOutput(g.apply("SpaceToDepth", "s2d", Attributes.of("blocksize", 2L), u));
        Model m = write(g, new ExportOptions());
        assertEquals(5, m.getSpecificationVersion());
        var up = layer(m, LayerCase.UPSAMPLE).getUpsample();
        assertEquals(UpsampleLayerParams.InterpolationMode.BILINEAR, up.getMode());
        assertEquals(UpsampleLayerParams.LinearUpsampleMode.ALIGN_CORNERS_FALSE, up.getLinearUpsampleMode());
        assertEquals(List.of(2L, 2L), up.getScalingFactorList());
        var s2d = layer(m, LayerCase.REORGANIZEDATA).getReorganizeData();
        assertEquals(ReorganizeDataLayerParams.ReorganizationType.SPACE_TO_DEPTH, s2d.getMode());
        assertEquals(2, s2d.getBlockSize());
        assertEquals(5, write(g, new ExportOptions().withCoremlMinIos(14)).getSpecificationVersion());
        assertEquals(5, write(TinyGraphs.stem(1), new ExportOptions().withCoremlMinIos(14)).getSpecificationVersion(), "14 asks for spec 5");
        assertEquals(4, write(TinyGraphs.stem(1), new ExportOptions().withCoremlMinIos(13)).getSpecificationVersion());
        var e = assertThrows(FormworkException.class, () -> new NeuralNetworkExporter().check(g, new ExportOptions().withCoremlMinIos(13)));
        assertTrue(e.getMessage().startsWith("node up (Resize)"), e.getMessage());
    }

    @Test
    void divisionByAConstantIsAReciprocalMultiplyAndByAComputedValueADivide() throws Exception {
        Graph g = new Graph("div");
        Value x = g.addInput("x", ValueType.f32(1, 4));
        g.addOutput(g.apply("Div", "d", x, g.addConstant("four", Tensor.scalar(4f))));
        Model m = write(g, new ExportOptions());
        var k = layer(m, LayerCase.LOADCONSTANTND).getLoadConstantND();
        assertEquals(List.of(1L), k.getShapeList());
        assertEquals(0.25f, k.getData().getFloatValue(0));
        assertEquals(LayerCase.MULTIPLYBROADCASTABLE, m.getNeuralNetwork().getLayers(1).getLayerCase());
        Graph h = new Graph("div2");
        Value a = h.addInput("a", ValueType.f32(1, 4));
        h.addOutput(h.apply("Div", "d", a, h.apply("Relu", "r", a)));
        Model divide = write(h, new ExportOptions());
        layer(divide, LayerCase.DIVIDEBROADCASTABLE);
        assertEquals(0, divide.getNeuralNetwork().getLayersList().stream().filter(l -> l.getLayerCase() == LayerCase.LOADCONSTANTND).count(),
                "a computed divisor is divided by, not inverted into a constant");
        var e2 = assertThrows(FormworkException.class, () -> new NeuralNetworkExporter().check(TinyGraphs.v2Bits(), new ExportOptions()));
        assertTrue(e2.getMessage().startsWith("node erf (Erf)"), e2.getMessage());
    }

    @Test
    void batchNormRank4IsNativeOtherRanksAreFolded() throws Exception {
        Model m = write(TinyGraphs.stem(1), new ExportOptions());
        var bn = layer(m, LayerCase.BATCHNORM).getBatchnorm();
        assertEquals(8, bn.getChannels());
        assertEquals(8, bn.getVariance().getFloatValueCount());
        Random r = new Random(7);
        Graph g = new Graph("bn3");
        Value x = g.addInput("x", ValueType.f32(2, 8, 5));
        g.addOutput(g.apply("BatchNorm", "bn", x, g.addConstant("g", TinyGraphs.positive(r, 8)), g.addConstant("b", TinyGraphs.random(r, 8)),
                g.addConstant("m", TinyGraphs.random(r, 8)), g.addConstant("v", TinyGraphs.positive(r, 8))));
        Model f = write(g, new ExportOptions());
        List<LayerCase> kinds = f.getNeuralNetwork().getLayersList().stream().map(NeuralNetworkLayer::getLayerCase).toList();
        assertFalse(kinds.contains(LayerCase.BATCHNORM), "batchnorm would normalise axis -3 = batch");
        assertTrue(kinds.containsAll(List.of(LayerCase.MULTIPLYBROADCASTABLE, LayerCase.ADDBROADCASTABLE)));
        assertEquals(List.of(8L, 1L), layer(f, LayerCase.LOADCONSTANTND).getLoadConstantND().getShapeList());
    }

    @Test
    void splitSliceConcatTransposeReshape() throws Exception {
        Model m = write(TinyGraphs.attention(), new ExportOptions());
        var s = layer(m, LayerCase.SPLITND);
        assertEquals(List.of(2L, 2L, 4L), s.getSplitND().getSplitSizesList());
        assertEquals(3, s.getSplitND().getAxis());
        assertEquals(3, s.getOutputCount());
        assertEquals(List.of(0L, 2L, 1L, 3L), layer(m, LayerCase.TRANSPOSE).getTranspose().getAxesList());
        assertEquals(List.of(1L, 4L, 2L, 8L), layer(m, LayerCase.RESHAPESTATIC).getReshapeStatic().getTargetShapeList());
        assertEquals(3, layer(m, LayerCase.SOFTMAXND).getSoftmaxND().getAxis());
        Graph g = new Graph("sl");
        Value x = g.addInput("x", ValueType.f32(1, 6, 4));
        Value a = g.apply("Slice", "a", Attributes.of("axes", new long[] {1}, "starts", new long[] {-1}, "ends", new long[] {-100}, "steps", new long[] {-2}), x);
        Value b = g.apply("Slice", "b", Attributes.of("axes", new long[] {2}, "starts", new long[] {1}, "ends", new long[] {3}), x);
        g.addOutput(g.apply("Concat", "cat", Attributes.of("axis", 2L), a, g.apply("Slice", "a2", Attributes.of("axes", new long[] {1}, "starts", new long[] {0}, "ends", new long[] {3}), b)));
        Model sm = write(g, new ExportOptions());
        var sa = sm.getNeuralNetwork().getLayers(0).getSliceStatic();
        assertEquals(List.of(0L, 5L, 0L), sa.getBeginIdsList());
        assertEquals(List.of(false, true, false), sa.getEndMasksList());
        assertEquals(List.of(1L, -2L, 1L), sa.getStridesList());
        assertEquals(3, sa.getSqueezeMasksCount());
        assertEquals(2, layer(sm, LayerCase.CONCATND).getConcatND().getAxis());
    }
}
