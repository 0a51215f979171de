package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** nn.LayerNorm on tokens [B, N, C] as torch.onnx writes it below opset 17, then a Linear. */
class RecoverLayerNormTest {
    private final RecoverLayerNorm pass = new RecoverLayerNorm();
    private static final float EPS = 1e-5f;

    /** What may differ from torch's chain. */
    record Variant(long axis, boolean square, boolean epsAfterSqrt, float exponent, boolean affine) {
        static final Variant TORCH = new Variant(-1, false, false, 2f, true);
    }

    static Graph tokens(Variant v) {
        Net n = new Net("ln", 21);
        Value x = n.op("Add", "res", n.input(2, 7, 16), n.param("shift", n.normal(Shape.of(16), 1)));
        Attributes mean = Attributes.of("axes", new long[] {v.axis()});
        Value d = n.op("Sub", "norm1/Sub", x, n.op("ReduceMean", "norm1/ReduceMean", mean, x));
        Value sq = v.square() ? n.op("Mul", "norm1/Square", d, d) : n.op("Pow", "norm1/Pow", d, n.scalar("two", v.exponent()));
        Value var = n.op("ReduceMean", "norm1/ReduceMean_1", mean, sq);
        Value root = v.epsAfterSqrt() ? n.op("Add", "norm1/Add", n.op("Sqrt", "norm1/Sqrt", var), n.scalar("eps", EPS))
                : n.op("Sqrt", "norm1/Sqrt", n.op("Add", "norm1/Add", var, n.scalar("eps", EPS)));
        Value y = n.op("Div", "norm1/Div", d, root);
        if (v.affine()) {
            y = n.op("Mul", "norm1/Mul", y, n.param("blocks.0.norm1.weight", n.uniform(Shape.of(16), 0.8, 1.2)));
            y = n.op("Add", "norm1/Add_1", y, n.param("blocks.0.norm1.bias", n.normal(Shape.of(16), 0.1)));
        }
        return n.output(n.linear("fc1", y, 8, true));
    }

    @Test
    void torchsOpset13ChainBecomesOneLayerNorm() {
        Graph g = tokens(Variant.TORCH), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Add", 2, "Div", 1, "Mul", 1, "Pow", 1, "ReduceMean", 2, "Sqrt", 1, "Sub", 1), r.removed());
        assertEquals(Map.of("LayerNorm", 1), r.added());
        Node ln = g.nodes().stream().filter(n -> n.is("LayerNorm")).findFirst().orElseThrow();
        assertEquals(EPS, ln.d("epsilon"), 0.0, "eps exactly as the exporter's float32 constant");
        assertEquals(-1, ln.i("axis"));
        assertSame(g.constant("blocks.0.norm1.weight"), ln.input(1), "gamma keeps its key");
        assertSame(g.constant("blocks.0.norm1.bias"), ln.input(2));
        assertEquals("norm1/Add_1", ln.name());
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void squareAsMulAPositiveAxisAndNoAffinePartAreRecovered() {
        for (Variant v : new Variant[] {new Variant(-1, true, false, 2f, true), new Variant(2, false, false, 2f, false)}) {
            Graph g = tokens(v), before = g.copy();
            Check.run(pass, g);
            assertEquals(Map.of("Add", 1, "LayerNorm", 1, "Linear", 1), g.opHistogram(), v.toString());
            Check.equivalent(before, g, Check.EXACT);
        }
    }

    @Test
    void aGammaBroadcastFromAHigherRankConstantBecomesAVector() {
        Net n = new Net("ln3", 22);
        Value x = n.input(1, 5, 8);
        Attributes mean = Attributes.of("axes", new long[] {-1});
        Value d = n.op("Sub", "sub", x, n.op("ReduceMean", "mean", mean, x));
        Value var = n.op("ReduceMean", "var", mean, n.op("Pow", "pow", d, n.scalar("two", 2f)));
        Value y = n.op("Div", "div", d, n.op("Sqrt", "sqrt", n.op("Add", "add", n.scalar("eps", 1e-6f), var)));
        Graph g = n.output(n.op("Mul", "scaled", y, n.param("gamma", n.uniform(Shape.of(1, 1, 8), 0.5, 1.5)))), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("LayerNorm", 1), g.opHistogram());
        assertEquals("scaled", g.output(0).name());
        assertEquals(Shape.of(8), g.nodes().get(0).input(1).shape());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void otherFunctionsLeaveTheGraphUnchanged() {
        unchanged(tokens(new Variant(-1, false, true, 2f, true)), "eps added after the square root");
        unchanged(tokens(new Variant(1, false, false, 2f, true)), "means over the tokens, not the last axis");
        unchanged(tokens(new Variant(-1, false, false, 3f, true)), "a third power is not the variance");
    }

    @Test
    void aReaderOfAnIntermediateLeavesTheGraphUnchanged() {
        Net n = new Net("shared", 23);
        Value x = n.input(2, 3, 6);
        Attributes mean = Attributes.of("axes", new long[] {-1});
        Value m = n.op("ReduceMean", "mean", mean, x);
        Value d = n.op("Sub", "sub", x, m);
        Value var = n.op("ReduceMean", "var", mean, n.op("Pow", "pow", d, n.scalar("two", 2f)));
        Value y = n.op("Div", "div", d, n.op("Sqrt", "sqrt", n.op("Add", "add", var, n.scalar("eps", 1e-5f))));
        unchanged(n.output(n.op("Add", "uses_mean", y, m)), "the mean is also read elsewhere");
    }

    @Test
    void aGammaAlongAnotherAxisStaysAMulAfterTheRecoveredNorm() {
        Net n = new Net("gamma_axis", 24);
        Value x = n.input(2, 3, 6);
        Attributes mean = Attributes.of("axes", new long[] {-1});
        Value d = n.op("Sub", "sub", x, n.op("ReduceMean", "mean", mean, x));
        Value var = n.op("ReduceMean", "var", mean, n.op("Pow", "pow", d, n.scalar("two", 2f)));
        Value y = n.op("Div", "div", d, n.op("Sqrt", "sqrt", n.op("Add", "add", var, n.scalar("eps", 1e-5f))));
        Graph g = n.output(n.op("Mul", "rows", y, n.param("g", n.uniform(Shape.of(3, 1), 0.5, 1.5)))), before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("LayerNorm", 1, "Mul", 1), g.opHistogram());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void aNegativeEpsilonLeavesTheGraphUnchanged() {
        Net n = new Net("neg_eps", 25);
        Value x = n.input(2, 3, 6);
        Attributes mean = Attributes.of("axes", new long[] {-1});
        Value d = n.op("Sub", "sub", x, n.op("ReduceMean", "mean", mean, x));
        Value var = n.op("ReduceMean", "var", mean, n.op("Pow", "pow", d, n.scalar("two", 2f)));
        unchanged(n.output(n.op("Div", "div", d, n.op("Sqrt", "sqrt", n.op("Add", "add", var, n.scalar("eps", -1e-5f))))), "eps < 0");
    }

    private void unchanged(Graph g, String why) {
        Map<String, Integer> h = g.opHistogram();
        assertFalse(Check.run(pass, g).changed(), why);
        assertEquals(h, g.opHistogram(), why);
    }
}
