package dev.formwork.exporters.onnx;

import static dev.formwork.exporters.onnx.ExportHarness.gaussian;
import static dev.formwork.exporters.onnx.ExportHarness.gaussianTensor;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data movement: Reshape (-1), Flatten, Transpose, Split, Slice (strided, negative), Concat,
 * SpaceToDepth, Gather with an int64 index table (attention-bias style), a Constant node, Softmax.
 */
class ShapeLoweringTest {
    static Graph graph() {
        Graph g = new Graph("shapes");
        Value x = g.addInput("input", ValueType.f32(2, 4, 6, 6));
        Value s2d = g.apply("SpaceToDepth", "s2d", Attributes.of("blocksize", 2L), x); // [2,16,3,3]
        Value flat = g.apply("Flatten", "flat", Attributes.of("start", 2L, "end", 3L), s2d); // [2,16,9]
        Value t = g.apply("Transpose", "t", Attributes.of("perm", new long[] {0, 2, 1}), flat); // [2,9,16]
        Node split = g.add("Split", "qkv", List.of(t), Attributes.of("axis", 2L, "split", new long[] {4, 4, 8}));
        Value q = split.output(0), k = split.output(1), v = split.output(2);
        Value sl = g.apply("Slice", "sl", Attributes.of("axes", new long[] {2, 1}, "starts", new long[] {-1, 1},
                "ends", new long[] {-9, 100}, "steps", new long[] {-2, 2}), v); // [2,4,4]
        Value cat = g.apply("Concat", "cat", Attributes.of("axis", -1L), q, k); // [2,9,8]
        Value r = g.apply("Reshape", "r", Attributes.of("shape", new long[] {2, -1, 4}), cat); // [2,18,4]
        Value table = g.addConstant("attention_biases", gaussianTensor(1, 1.0, 18, 5));
        Value idx = g.addBuffer("attention_bias_idxs", Tensor.ofLongs(Shape.of(2, 3), 0, 4, 17, 3, 3, 9));
        Value bias = g.apply("Gather", "bias", Attributes.of("axis", 0L), table, idx); // [2,3,5]
        Value c = g.apply("Constant", "offset", Attributes.of("value", Tensor.ofFloats(Shape.of(1, 1, 4), 0.5f, -1f, 2f, 0f)));
        Value rs = g.apply("Add", "shifted", r, c);
        Value sm = g.apply("Softmax", "sm", Attributes.of("axis", 1L), rs);
        Value fl = g.apply("Flatten", "fl", Attributes.of("start", 1L, "end", -1L), sm); // [2,72]
        g.addOutput(fl);
        g.addOutput(sl);
        g.addOutput(bias);
        return g;
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17, 18, 20})
    void matchesReference(int opset) {
        ExportHarness.verify(graph(), opset, gaussian(2, 2, 4, 6, 6));
    }
}
