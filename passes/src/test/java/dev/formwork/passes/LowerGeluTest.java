package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LowerGeluTest {
    private final LowerGelu pass = new LowerGelu();
    private static final Set<String> OPS = Set.of("Conv", "Gelu", "Mul", "Add", "Erf", "Tanh", "Sigmoid", "Relu");

    private static Graph convGelu() {
        Net n = new Net("gelu", 1);
        Value x = n.input(2, 3, 6, 6);
        return n.output(n.op("Relu", "out", n.gelu("act", n.conv("conv", x, 8, 3, 1, 1, 1, true))));
    }

    private static PassContext ctx(Set<String> nativeGelu, String gelu) {
        return PassContext.of(Check.profile(nativeGelu, OPS)).withGelu(gelu);
    }

    @Test
    void nativeExactGeluStays() {
        Graph g = convGelu();
        PassResult r = Check.run(pass, g, ctx(Set.of("none"), null));
        assertFalse(r.changed());
        assertNull(r.approximation());
    }

    @Test
    void withoutNativeGeluItDecomposesExactlyThroughErf() {
        Graph g = convGelu(), before = g.copy();
        PassResult r = Check.run(pass, g, ctx(Set.of(), "exact"));
        assertEquals(Map.of("Gelu", 1), r.removed());
        assertEquals(Map.of("Add", 1, "Erf", 1, "Mul", 3), r.added());
        assertNull(r.approximation());
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void tanhOnRequestIsNativeWhereAvailableAndReportsItsError() {
        Graph g = convGelu(), before = g.copy();
        PassResult r = Check.run(pass, g, ctx(Set.of("none", "tanh"), "tanh").withSeed(42)); // Check.error's input
        assertEquals(1, r.rewrites());
        Node gelu = g.nodes().stream().filter(n -> n.is("Gelu")).findFirst().orElseThrow();
        assertEquals("tanh", gelu.s("approximate"));
        assertNotNull(r.approximation());
        double direct = Check.error(before, g);
        assertTrue(r.approximation().relativeToScale() > 1e-6, "tanh GELU differs from exact");
        assertEquals(direct, r.approximation().relativeToScale(), 0.0);
    }

    @Test
    void tanhAndSigmoidDecompositionsMatchTheNativeForms() {
        for (String form : new String[] {"tanh", "sigmoid"}) {
            Graph g = convGelu(), nativeForm = g.copy();
            Check.run(pass, nativeForm, ctx(Set.of("none", form), form));
            PassResult r = Check.run(pass, g, ctx(Set.of("none"), form));
            assertEquals(0, Check.count(g, "Gelu"));
            assertEquals(1, Check.count(g, form.equals("tanh") ? "Tanh" : "Sigmoid"));
            assertNotNull(r.approximation());
            Check.equivalent(nativeForm, g, Check.EXACT);
        }
    }

    @Test
    void aTargetWithoutErfOrNativeGeluIsRefusedNamingTheNode() {
        Graph g = convGelu();
        PassContext c = PassContext.of(Check.profile(Set.of(), Set.of("Conv", "Mul", "Add", "Relu"))).withGelu("exact");
        FormworkException e = assertThrows(FormworkException.class, () -> pass.run(g, c));
        assertTrue(e.getMessage().contains("act") && e.getMessage().contains("Erf"), e.getMessage());
    }

    @Test
    void badGeluChoiceIsRefused() {
        assertThrows(FormworkException.class, () -> PassContext.of(Check.reference()).withGelu("fast"));
    }
}
