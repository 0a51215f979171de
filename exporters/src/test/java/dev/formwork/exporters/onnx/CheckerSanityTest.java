package dev.formwork.exporters.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.OperatorSetIdProto;
import dev.formwork.proto.onnx.OnnxProto.TensorShapeProto;
import org.junit.jupiter.api.Test;

/** The checker used by every lowering test really rejects the mistakes formats.md §6 lists. */
class CheckerSanityTest {
    static ModelProto geluAt20() {
        Graph g = new Graph("g");
        var x = g.addInput("input", ValueType.f32(1, 4));
        var y = g.apply("Gelu", "act", x);
        g.addOutput(g.apply("ReduceMean", "m", Attributes.of("axes", new long[] {1}), y));
        return ExportHarness.model(g, ExportHarness.opset(20));
    }

    @Test
    void acceptsTheExport() {
        OnnxChecker.check(geluAt20().toByteArray());
    }

    @Test
    void rejectsGeluBelowOpset20() {
        ModelProto m = geluAt20().toBuilder().setOpsetImport(0, OperatorSetIdProto.newBuilder().setVersion(19)).build();
        assertThrows(AssertionError.class, () -> OnnxChecker.check(m.toByteArray()));
    }

    @Test
    void rejectsAWrongDeclaredShape() {
        ModelProto.Builder b = geluAt20().toBuilder();
        b.getGraphBuilder().getOutputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .setDim(0, TensorShapeProto.Dimension.newBuilder().setDimValue(3));
        assertThrows(AssertionError.class, () -> OnnxChecker.check(b.build().toByteArray()));
    }

    @Test
    void rejectsAnAttributeWithoutType() {
        ModelProto.Builder b = geluAt20().toBuilder();
        b.getGraphBuilder().getNodeBuilder(0).getAttributeBuilder(0).clearType();
        assertThrows(AssertionError.class, () -> OnnxChecker.check(b.build().toByteArray()));
    }
}
