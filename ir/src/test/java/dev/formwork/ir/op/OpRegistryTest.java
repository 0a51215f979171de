package dev.formwork.ir.op;

import static dev.formwork.ir.testutil.OpRunner.assertRejected;
import static dev.formwork.ir.testutil.OpRunner.f32;
import static dev.formwork.ir.testutil.OpRunner.i64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.ValueType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every registered op has a test class and at least one input its shape inference rejects with
 * a message naming the node. A new op fails here until it is added (with tests).
 */
class OpRegistryTest {
    private record Bad(Attributes attrs, ValueType... inputs) {}

    private static final Map<String, String> TESTED_IN = new LinkedHashMap<>();
    private static final Map<String, Bad> BAD = new LinkedHashMap<>();

    private static void op(String name, String testClass, Bad bad) {
        TESTED_IN.put(name, testClass);
        BAD.put(name, bad);
    }

    static {
        Attributes none = Attributes.EMPTY;
        for (String b : new String[] {"Add", "Sub", "Mul", "Div", "Pow"}) op(b, "ElementwiseOpsTest", new Bad(none, f32(2, 3), f32(4)));
        for (String u : new String[] {"Relu", "Erf", "Tanh", "Sigmoid", "Sqrt", "Exp", "HardSwish", "Identity"}) {
            op(u, "ElementwiseOpsTest", new Bad(none, i64(3)));
        }
        op("Gelu", "ElementwiseOpsTest", new Bad(Attributes.of("approximate", "erf"), f32(3)));
        op("Conv", "ConvOpsTest", new Bad(none, f32(1, 3, 8, 8), f32(4, 2, 3, 3)));
        op("AveragePool", "PoolOpsTest", new Bad(Attributes.of("kernel", new int[] {9, 9}), f32(1, 1, 8, 8)));
        op("BatchNorm", "NormOpsTest", new Bad(none, f32(2, 4), f32(4), f32(4), f32(4), f32(5)));
        op("LayerNorm", "NormOpsTest", new Bad(none, f32(2, 4), f32(3), f32(3)));
        op("MatMul", "MatMulOpsTest", new Bad(none, f32(2, 3), f32(4, 5)));
        op("Linear", "MatMulOpsTest", new Bad(none, f32(2, 3), f32(5, 4)));
        op("ReduceMean", "ReduceOpsTest", new Bad(Attributes.of("axes", new int[] {2}), f32(2, 3)));
        op("ReduceSum", "ReduceOpsTest", new Bad(Attributes.of("axes", new int[] {2}), f32(2, 3)));
        op("ReduceMax", "ReduceOpsTest", new Bad(Attributes.of("axes", new int[] {-3}), f32(2, 3)));
        op("MaxPool", "PoolOpsTest", new Bad(Attributes.of("kernel", new int[] {9, 9}), f32(1, 1, 8, 8)));
        op("Softmax", "ReduceOpsTest", new Bad(Attributes.of("axis", 2), f32(2, 3)));
        op("Reshape", "ShapeOpsTest", new Bad(Attributes.of("shape", new int[] {4, -1}), f32(2, 3)));
        op("Flatten", "ShapeOpsTest", new Bad(Attributes.of("start", 2), f32(2, 3)));
        op("Transpose", "ShapeOpsTest", new Bad(Attributes.of("perm", new int[] {1, 1}), f32(2, 3)));
        op("Split", "ShapeOpsTest", new Bad(Attributes.of("axis", 1, "split", new int[] {1, 1}), f32(2, 3)));
        op("Concat", "ShapeOpsTest", new Bad(Attributes.of("axis", 0), f32(2, 3), f32(2, 4)));
        op("Slice", "IndexingOpsTest", new Bad(Attributes.of("axes", new int[] {2}, "starts", new int[] {0}, "ends", new int[] {1}), f32(2, 3)));
        op("SpaceToDepth", "IndexingOpsTest", new Bad(Attributes.of("blocksize", 2), f32(1, 1, 3, 4)));
        op("Gather", "IndexingOpsTest", new Bad(none, f32(4, 3), f32(2)));
        op("Constant", "IndexingOpsTest", new Bad(none));
        op("Resize", "ResizeOpsTest", new Bad(Attributes.of("scales", new double[] {2, 2}), f32(4, 4)));
    }

    @Test
    void everyRegisteredOpIsCovered() {
        TreeSet<String> registered = new TreeSet<>();
        for (OpDef op : OpRegistry.all()) registered.add(op.name());
        assertEquals(new TreeSet<>(TESTED_IN.keySet()), registered, "registered ops vs ops with tests");
    }

    @Test
    void everyOpRejectsABadInputNamingTheNode() {
        for (Map.Entry<String, Bad> e : BAD.entrySet()) {
            FormworkException ex = assertRejected(e.getKey(), e.getValue().attrs(), e.getValue().inputs());
            assertTrue(ex.getMessage().contains("(" + e.getKey() + ")"), "message names the op type: " + ex.getMessage());
            assertFalse(ex.getMessage().contains("\n"), "one line: " + ex.getMessage());
        }
    }

    @Test
    void everyOpDeclaresItsAttributesWithDocs() {
        for (OpDef op : OpRegistry.all()) {
            assertFalse(op.summary().isBlank(), op.name());
            assertTrue(op.minInputs() <= op.maxInputs(), op.name());
            for (AttrSpec a : op.attributes()) {
                assertFalse(a.doc().isBlank(), op.name() + "." + a.name());
                assertTrue(op.attribute(a.name()) == a);
            }
        }
    }

    @Test
    void lookups() {
        assertTrue(OpRegistry.has("Conv"));
        assertFalse(OpRegistry.has("conv"));
        FormworkException e = assertThrows(FormworkException.class, () -> OpRegistry.get("NoSuchOp"));
        assertTrue(e.getMessage().contains("NoSuchOp"));
        assertThrows(IllegalStateException.class, () -> OpRegistry.register(OpRegistry.get("Relu")));
        assertEquals(OpRegistry.all().size(), new TreeSet<>(OpRegistry.all().stream().map(OpDef::name).toList()).size());
    }
}
