package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** nn.Linear as torch.onnx writes it: MatMul(x, W^T as its own initializer), then Add(bias, product). */
class RecoverLinearTest {
    private final RecoverLinear pass = new RecoverLinear();

    static Value matmul(Net n, String name, Value x, Tensor c) {
        return n.op("MatMul", name + "/MatMul", x, n.param("onnx::MatMul_" + name, c));
    }

    @Test
    void torchsMatMulAndBiasAddBecomeOneLinearWithTheWeightAsPyTorchStoresIt() {
        Net n = new Net("qkv", 31);
        Value x = n.op("Relu", "r", n.input(2, 4, 16));
        Tensor c = n.normal(Shape.of(16, 24), 0.25);
        Value y = n.op("Add", "qkv/Add", n.param("blocks.0.qkv.bias", n.normal(Shape.of(24), 0.1)), matmul(n, "qkv", x, c));
        Graph g = n.output(y), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Add", 1, "MatMul", 1), r.removed());
        assertEquals(Map.of("Linear", 1), r.added());
        Node lin = g.nodes().get(1);
        Value w = lin.input(1);
        assertEquals("blocks.0.qkv.weight", w.name(), "named after the bias, like the checkpoint key");
        assertEquals(Shape.of(24, 16), w.shape());
        assertEquals(c.getFloat(1 * 24 + 5), w.constant().getFloat(5 * 16 + 1), 0.0, "W[o, i] = C[i, o]");
        assertEquals("blocks.0.qkv.bias", lin.input(2).name());
        assertNull(g.constant("onnx::MatMul_qkv"), "the [K, N] copy goes");
        assertEquals("qkv/Add", g.output(0).name());
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void aMatMulWithoutBiasAndOneWhoseProductIsReadTwiceBecomeBiasFreeLinears() {
        Net n = new Net("nobias", 32);
        Value x = n.input(3, 8);
        Value a = matmul(n, "a", x, n.normal(Shape.of(8, 5), 0.3));
        Value b = matmul(n, "b", x, n.normal(Shape.of(8, 5), 0.3));
        Value biased = n.op("Add", "b/Add", b, n.param("b.bias", n.normal(Shape.of(5), 0.1)));
        Graph g = n.output(n.op("Mul", "out", n.op("Add", "sum", a, biased), b)), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Add", 2, "Linear", 2, "Mul", 1), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void matMulsSharingOneMatrixShareOneTransposedCopy() {
        Net n = new Net("tied", 33);
        Value x = n.input(2, 6);
        Value c = n.param("tied", n.normal(Shape.of(6, 6), 0.4));
        Value y = n.op("MatMul", "second", n.op("Relu", "r", n.op("MatMul", "first", x, c)), c);
        Graph g = n.output(y), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Linear", 2, "Relu", 1), g.opHistogram());
        assertEquals(1, g.constants().size());
        assertNotNull(g.constant("tied"));
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void aBiasThatVariesAlongRowsStaysAnAdd() {
        Net n = new Net("rows", 34);
        Value x = n.input(2, 4, 8);
        Value y = n.op("Add", "add", matmul(n, "p", x, n.normal(Shape.of(8, 3), 0.3)), n.param("pos", n.normal(Shape.of(4, 3), 0.1)));
        Graph g = n.output(y), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Add", 1, "Linear", 1), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void productsOfActivationsOrBatchedMatricesLeaveTheGraphUnchanged() {
        Net n = new Net("attention", 35);
        Value q = n.input(1, 2, 4, 8);
        Value k = n.transpose("k", n.op("Relu", "kr", q), 0, 1, 3, 2);
        Value s = n.op("MatMul", "qk", q, k);
        Value batched = n.op("MatMul", "per_head", s, n.param("w", n.normal(Shape.of(2, 4, 3), 0.3)));
        Value left = n.op("MatMul", "constant_left", n.param("rows", n.normal(Shape.of(3, 4), 0.3)), n.op("Relu", "r", batched));
        Graph g = n.output(left);
        Map<String, Integer> h = g.opHistogram();
        assertFalse(Check.run(pass, g).changed());
        assertEquals(h, g.opHistogram());
    }
}
