package dev.formwork.exporters.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming structure read agrees with a full parse on files another exporter wrote. */
class OnnxStructureTest {
    @ParameterizedTest
    @ValueSource(strings = {"tiny_v1_64/torch_opset13.onnx", "tiny_v2_64/torch_opset17.onnx", "s0_224/torch_opset17.onnx"})
    void matchesAFullParseExceptTensorData(String file) {
        Path p = TestData.root().resolve("golden").resolve(file);
        ModelProto full = OnnxReader.parse(p), lean = OnnxStructure.read(p);
        assertEquals(full.getIrVersion(), lean.getIrVersion());
        assertEquals(full.getOpsetImportList(), lean.getOpsetImportList());
        assertEquals(full.getProducerName(), lean.getProducerName());
        assertEquals(full.getGraph().getNodeList(), lean.getGraph().getNodeList());
        assertEquals(full.getGraph().getInputList(), lean.getGraph().getInputList());
        assertEquals(full.getGraph().getOutputList(), lean.getGraph().getOutputList());
        assertEquals(full.getGraph().getInitializerCount(), lean.getGraph().getInitializerCount());
        for (int i = 0; i < full.getGraph().getInitializerCount(); i++) {
            TensorProto a = full.getGraph().getInitializer(i), b = lean.getGraph().getInitializer(i);
            assertEquals(a.getName(), b.getName());
            assertEquals(a.getDimsList(), b.getDimsList());
            assertEquals(a.getDataType(), b.getDataType());
            assertEquals(0, b.getRawData().size(), "no tensor bytes are kept");
        }
        long nodes = full.getGraph().getNodeList().stream().map(NodeProto::getOpType).distinct().count();
        assertEquals(nodes, lean.getGraph().getNodeList().stream().map(NodeProto::getOpType).distinct().count());
        assertEquals(OnnxReader.macs(full.getGraph()), OnnxReader.macs(lean.getGraph()));
    }
}
