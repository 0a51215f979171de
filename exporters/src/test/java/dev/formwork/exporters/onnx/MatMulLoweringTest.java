package dev.formwork.exporters.onnx;

import static dev.formwork.exporters.onnx.ExportHarness.gaussian;
import static dev.formwork.exporters.onnx.ExportHarness.gaussianTensor;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Linear on tokens (Reshape, Gemm with the [out, in] weight as stored, Reshape), Linear without
 * bias, a weight shared by two Linears (stored once, never transposed), batched and broadcast
 * MatMul, and Linear on a matrix (Gemm).
 */
class MatMulLoweringTest {
    static Graph graph() {
        Graph g = new Graph("matmul");
        Value x = g.addInput("input", ValueType.f32(2, 5, 8));
        Value w = g.addConstant("blocks.0.mlp.fc1.weight", gaussianTensor(1, 0.3, 12, 8));
        Value b = g.addConstant("blocks.0.mlp.fc1.bias", gaussianTensor(2, 0.1, 12));
        Value h = g.apply("Linear", "fc1", x, w, b);
        Value h2 = g.apply("Linear", "fc1_again", x, w);
        Value q = g.apply("Reshape", "q", Attributes.of("shape", new long[] {2, 5, 3, 4}), h);
        q = g.apply("Transpose", "q_t", Attributes.of("perm", new long[] {0, 2, 1, 3}), q); // [2,3,5,4]
        Value k = g.apply("Reshape", "k", Attributes.of("shape", new long[] {2, 1, 4, 15}), h2); // broadcast batch
        Value att = g.apply("MatMul", "attn", q, k); // [2,3,5,15]
        Value flat = g.apply("ReduceMean", "pool", Attributes.of("axes", new long[] {1, 2}, "keepdims", 0L), att); // [2,15]
        Value head = g.apply("Linear", "head", flat, g.addConstant("head.weight", gaussianTensor(3, 0.3, 4, 15)),
                g.addConstant("head.bias", gaussianTensor(4, 0.1, 4)));
        g.addOutput(head);
        return g;
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17, 20})
    void matchesReference(int opset) {
        ModelProto m = ExportHarness.verify(graph(), opset, gaussian(5, 2, 5, 8));
        List<String> names = m.getGraph().getInitializerList().stream().map(TensorProto::getName).toList();
        assertEquals(1, names.stream().filter(n -> n.equals("blocks.0.mlp.fc1.weight")).count(), "the weight is stored once");
        assertEquals(false, names.stream().anyMatch(n -> n.endsWith(".T")), "no transposed copy: " + names);
        assertEquals(true, names.contains("head.weight"), "Gemm uses the [out, in] weight as is");
        assertEquals(3, m.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Gemm")).count());
    }
}
