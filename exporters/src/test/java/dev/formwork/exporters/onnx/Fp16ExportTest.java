package dev.formwork.exporters.onnx;

import static dev.formwork.exporters.onnx.ExportHarness.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto.DataType;
import dev.formwork.proto.onnx.OnnxProto.ValueInfoProto;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --precision fp16: float16 initializers and activations, float32 interface (a Cast after each
 * input, before each output), int64 initializers untouched; the checker accepts it and ORT runs
 * it close to the float32 reference.
 *
 * <p>ORT 1.29's CPU provider has float16 kernels only for MatMul, Gemm, LayerNormalization and the
 * data-movement ops (measured: the optimised graph ORT writes with setOptimizedModelFilePath);
 * for every other node (Conv, BatchNormalization, AveragePool, Erf, Gelu, Softmax, ReduceMean,
 * Resize, the elementwise ops ...) its InsertCastTransformer computes in float32 between Casts on
 * its own at load time. The file therefore needs no float32 islands of its own, and ORT CPU's
 * numbers for an fp16 file are closer to float32 than a true fp16 device would be.
 */
class Fp16ExportTest {
    static ExportOptions fp16(int opset) {
        return new ExportOptions().withOnnxOpset(opset).withPrecision(ExportOptions.Precision.FP16, true);
    }

    static void verify(Graph g, int opset, NdArray... inputs) {
        ModelProto m = ExportHarness.verify(g, fp16(opset), 1e-2, inputs);
        for (TensorProto t : m.getGraph().getInitializerList()) {
            boolean index = t.getDataType() == DataType.INT64_VALUE;
            boolean resizeScales = t.getName().endsWith(".scales");
            assertTrue(index || resizeScales || t.getDataType() == DataType.FLOAT16_VALUE, t.getName() + " should be float16");
        }
        for (List<ValueInfoProto> io : List.of(m.getGraph().getInputList(), m.getGraph().getOutputList())) {
            for (ValueInfoProto v : io) assertEquals(DataType.FLOAT_VALUE, v.getType().getTensorType().getElemType(), v.getName());
        }
        List<NodeProto> nodes = m.getGraph().getNodeList();
        assertEquals("Cast", nodes.get(0).getOpType());
        assertEquals("Cast", nodes.get(nodes.size() - 1).getOpType());
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17, 20})
    void everyFamilyRunsInHalfPrecision(int opset) {
        verify(ConvPoolLoweringTest.graph(), opset, gaussian(7, 2, 4, 9, 9));
        verify(ElementwiseLoweringTest.graph(), opset, gaussian(1, 2, 3, 4, 5), gaussian(2, 3, 1, 5));
        verify(NormLoweringTest.graph(), opset, gaussian(9, 2, 6, 4, 4));
        verify(MatMulLoweringTest.graph(), opset, gaussian(5, 2, 5, 8));
        verify(ShapeLoweringTest.graph(), opset, gaussian(2, 2, 4, 6, 6));
        verify(ResizeReduceLoweringTest.graph(), opset, gaussian(4, 1, 3, 5, 4));
        for (String mode : List.of("none", "tanh", "sigmoid")) verify(GeluLoweringTest.graph(mode), opset, gaussian(3, 2, 16, 7));
    }
}
