package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The erf chains torch.onnx and other exporters write for nn.GELU(), between two 1x1 convs. */
class RecoverGeluTest {
    private final RecoverGelu pass = new RecoverGelu();

    /** Where the 0.5 goes: after x*g (torch), onto x first, or onto the gate. */
    enum Order { TORCH, HALF_X_FIRST, HALF_GATE_FIRST }

    /** fc1 -> GELU as `order` writes it -> fc2; {@code divide}: x / 1.4142135 (torch) or x * 0.70710677. */
    static Graph chain(Order order, boolean divide, boolean swapped, float sqrt2, float one, float half) {
        Net n = new Net("gelu_" + order, 11);
        Value x = n.conv1x1("mlp.fc1", n.input(2, 4, 5, 5), 8);
        Value u = divide ? n.op("Div", "act/Div", x, n.scalar("c_sqrt2", sqrt2))
                : n.op("Mul", "act/Scale", n.scalar("c_inv_sqrt2", (float) (1 / Math.sqrt(2)) * (sqrt2 / (float) Math.sqrt(2))), x);
        Value e = n.op("Erf", "act/Erf", u);
        Value g = swapped ? n.op("Add", "act/Add", n.scalar("c_one", one), e) : n.op("Add", "act/Add", e, n.scalar("c_one", one));
        Value h = n.scalar("c_half", half), y;
        switch (order) {
            case TORCH -> y = n.op("Mul", "act/Mul_1", swapped ? n.op("Mul", "act/Mul", g, x) : n.op("Mul", "act/Mul", x, g), h);
            case HALF_X_FIRST -> y = n.op("Mul", "act/Mul_1", swapped ? g : n.op("Mul", "act/Mul", x, h), swapped ? n.op("Mul", "act/Mul", h, x) : g);
            default -> y = n.op("Mul", "act/Mul_1", x, n.op("Mul", "act/Mul", swapped ? h : g, swapped ? g : h));
        }
        return n.output(n.conv1x1("mlp.fc2", y, 4));
    }

    static Graph chain(Order order, boolean divide, boolean swapped) {
        return chain(order, divide, swapped, (float) Math.sqrt(2), 1f, 0.5f);
    }

    @Test
    void torchsErfChainBecomesOneGelu() {
        Graph g = chain(Order.TORCH, true, false), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(Map.of("Add", 1, "Div", 1, "Erf", 1, "Mul", 2), r.removed());
        assertEquals(Map.of("Gelu", 1), r.added());
        assertEquals(Map.of("Conv", 2, "Gelu", 1), g.opHistogram());
        assertEquals("none", g.nodes().get(1).s("approximate"));
        assertEquals("act/Mul_1", g.nodes().get(1).name(), "the Gelu takes the chain's last name");
        assertEquals(null, g.constant("c_sqrt2"), "the chain's constants go");
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void everyAssociationOrderAndOperandOrderIsRecovered() {
        for (Order order : Order.values()) {
            for (boolean divide : new boolean[] {true, false}) {
                for (boolean swapped : new boolean[] {false, true}) {
                    Graph g = chain(order, divide, swapped), before = g.copy();
                    Check.run(pass, g);
                    String what = order + (divide ? " /sqrt2" : " *1/sqrt2") + (swapped ? " swapped" : "");
                    assertEquals(Map.of("Conv", 2, "Gelu", 1), g.opHistogram(), what);
                    Check.equivalent(before, g, Check.EXACT);
                }
            }
        }
    }

    @Test
    void aGeluThatIsTheGraphOutputKeepsTheOutputName() {
        Net n = new Net("out", 12);
        Value x = n.op("Relu", "r", n.input(1, 6));
        Value e = n.op("Erf", "erf", n.op("Div", "div", x, n.scalar("s", 1.4142135f)));
        Graph g = n.output(n.op("Mul", "y", n.op("Mul", "m", x, n.op("Add", "a", e, n.scalar("one", 1f))), n.scalar("h", 0.5f)));
        Graph before = g.copy();
        Check.run(pass, g);
        assertEquals(Map.of("Gelu", 1, "Relu", 1), g.opHistogram());
        assertEquals("y", g.output(0).name());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void wrongFactorsLeaveTheGraphUnchanged() {
        float sqrt2 = (float) Math.sqrt(2);
        Graph[] wrong = {
            chain(Order.TORCH, true, false, 1.4142f, 1f, 0.5f), // not sqrt2 to float precision
            chain(Order.TORCH, true, false, sqrt2, 2f, 0.5f), // 2 + erf
            chain(Order.TORCH, true, false, sqrt2, 1f, 0.25f), // a quarter
            chain(Order.HALF_X_FIRST, false, false, 2f, 1f, 0.5f), // x * 1/2 inside erf
        };
        for (Graph g : wrong) unchanged(g);
    }

    @Test
    void perChannelFactorsOrASharedIntermediateLeaveTheGraphUnchanged() {
        Net n = new Net("vector", 13);
        Value x = n.conv1x1("fc1", n.input(1, 4, 3, 3), 4);
        Value c = n.param("c", dev.formwork.ir.Tensor.ofFloats(Shape.of(1, 4, 1, 1), 1.4142135f, 1.4142135f, 1.4142135f, 1.4142135f));
        Value e = n.op("Erf", "erf", n.op("Div", "div", x, c));
        unchanged(n.output(n.op("Mul", "y", n.op("Mul", "m", x, n.op("Add", "a", e, n.scalar("one", 1f))), n.scalar("h", 0.5f))));

        Net m = new Net("shared", 14);
        Value y = m.conv1x1("fc1", m.input(1, 4, 3, 3), 4);
        Value erf = m.op("Erf", "erf", m.op("Div", "div", y, m.scalar("s", 1.4142135f)));
        Value gelu = m.op("Mul", "g", m.op("Mul", "m", y, m.op("Add", "a", erf, m.scalar("one", 1f))), m.scalar("h", 0.5f));
        unchanged(m.output(m.op("Add", "both", gelu, erf))); // the Erf is read twice

        Net w = new Net("no_half", 16);
        Value z = w.conv1x1("fc1", w.input(1, 4, 3, 3), 4);
        Value erfz = w.op("Erf", "erf", w.op("Div", "div", z, w.scalar("s", 1.4142135f)));
        unchanged(w.output(w.op("Relu", "r", w.op("Mul", "m", z, w.op("Add", "a", erfz, w.scalar("one", 1f)))))); // x*(1+erf), no 0.5

        Net k = new Net("other_x", 15);
        Value a = k.input(1, 6), b = k.op("Relu", "b", a);
        Value erf2 = k.op("Erf", "erf", k.op("Div", "div", a, k.scalar("s", 1.4142135f)));
        unchanged(k.output(k.op("Mul", "g", k.op("Mul", "m", b, k.op("Add", "a", erf2, k.scalar("one", 1f))), k.scalar("h", 0.5f))));
    }

    private void unchanged(Graph g) {
        Map<String, Integer> h = g.opHistogram();
        assertFalse(Check.run(pass, g).changed(), g.name());
        assertEquals(h, g.opHistogram(), g.name());
    }
}
