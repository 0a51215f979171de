package dev.formwork.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GraphTest {
    /** x -> conv(w, b) -> bn(buffers) -> relu -> transpose; a second output from sigmoid(relu). */
    private static Graph sample() {
        Graph g = new Graph("sample");
        g.metadata().put("model", "test");
        Value x = g.addInput("x", ValueType.f32(1, 2, 4, 4));
        Value w = g.addConstant("conv.weight", Tensor.ofFloats(Shape.of(3, 2, 1, 1), 1, 2, 3, 4, 5, 6));
        Value b = g.addConstant("conv.bias", Tensor.ofFloats(Shape.of(3), 0, 1, 2));
        Value gamma = g.addConstant("bn.weight", Tensor.ofFloats(Shape.of(3), 1, 1, 1));
        Value beta = g.addConstant("bn.bias", Tensor.ofFloats(Shape.of(3), 0, 0, 0));
        Value mean = g.addBuffer("bn.running_mean", Tensor.ofFloats(Shape.of(3), 0, 0, 0));
        Value var = g.addBuffer("bn.running_var", Tensor.ofFloats(Shape.of(3), 1, 1, 1));
        Value c = g.apply("Conv", "conv", x, w, b);
        Value n = g.apply("BatchNorm", "bn", Attributes.of("epsilon", 1e-3), c, gamma, beta, mean, var);
        Value r = g.apply("Relu", "relu", n);
        Value t = g.apply("Transpose", "t", Attributes.of("perm", new int[] {0, 2, 3, 1}), r);
        Value s = g.apply("Sigmoid", "sig", r);
        g.addOutput(t);
        g.addOutput(s);
        GraphVerifier.verify(g);
        return g;
    }

    private static List<String> names(Graph g) {
        return g.nodes().stream().map(Node::name).toList();
    }

    @Test
    void removingAUsedNodeFails() {
        Graph g = sample();
        Node relu = g.value("relu").producer();
        VerificationException e = assertThrows(VerificationException.class, () -> g.remove(relu));
        assertTrue(e.getMessage().contains("relu"), e.getMessage());
        Node t = g.value("t").producer(); // a graph output, no node users
        assertThrows(VerificationException.class, () -> g.remove(t));
        assertEquals(5, g.nodeCount());
        GraphVerifier.verify(g); // the failed removals left nothing half-done
    }

    @Test
    void removingAnUnusedNode() {
        Graph g = sample();
        Value extra = g.apply("Tanh", "extra", g.value("relu"));
        assertEquals(3, g.value("relu").users().size());
        g.remove(extra.producer());
        assertEquals(List.of("conv", "bn", "relu", "t", "sig"), names(g));
        assertNull(g.value("extra"));
        assertEquals(2, g.value("relu").users().size());
        GraphVerifier.verify(g);
        assertEquals("extra", g.uniqueNodeName("extra")); // the name is free again
    }

    @Test
    void replaceAllUsesUpdatesNodesAndGraphOutputs() {
        Graph g = sample();
        Value relu = g.value("relu"), bn = g.value("bn");
        Value tanh = g.apply("Tanh", "tanh", bn);
        g.replaceAllUses(relu, tanh);
        assertTrue(relu.users().isEmpty());
        assertSame(tanh, g.value("t").producer().input(0));
        assertSame(tanh, g.value("sig").producer().input(0));
        g.remove(relu.producer());
        assertEquals(List.of("conv", "bn", "tanh", "t", "sig"), names(g)); // tanh moved before its readers
        GraphVerifier.verify(g);
        // outputs: the graph output itself is replaced
        Value sig = g.value("sig"), relu2 = g.apply("Relu", "relu2", tanh);
        g.replaceAllUses(sig, relu2);
        assertSame(relu2, g.output(1));
        g.remove(sig.producer());
        GraphVerifier.verify(g);
    }

    @Test
    void copyPreservesEverything() {
        Graph g = sample();
        Graph c = g.copy();
        GraphVerifier.verify(c);
        assertEquals(GraphPrinter.print(g), GraphPrinter.print(c));
        assertEquals(Map.of("model", "test"), c.metadata());
        assertEquals(names(g), names(c));
        for (Value k : g.constants()) {
            Value kc = c.constant(k.name());
            assertNotSame(k, kc);
            assertSame(k.constant(), kc.constant()); // immutable tensors are shared
            assertEquals(k.type(), kc.type());
            assertEquals(k.isBuffer(), kc.isBuffer(), k.name());
        }
        assertTrue(c.constant("bn.running_var").isBuffer());
        assertFalse(c.constant("bn.weight").isBuffer());
        for (int i = 0; i < g.nodeCount(); i++) {
            Node a = g.nodes().get(i), b = c.nodes().get(i);
            assertEquals(a.attributes(), b.attributes());
            assertEquals(a.output().type(), b.output().type());
        }
        assertEquals(g.parameterCount(), c.parameterCount());
        // independent: rewriting the copy leaves the original alone
        c.replaceAllUses(c.value("sig"), c.value("relu"));
        c.remove(c.value("sig").producer());
        assertEquals(5, g.nodeCount());
        assertSame(g.value("sig"), g.output(1));
    }

    @Test
    void verifierCatchesAStaleTypeAfterSetAttributes() {
        Graph g = sample();
        Node t = g.value("t").producer();
        t.setAttributes(Attributes.of("perm", new int[] {0, 3, 1, 2}));
        VerificationException e = assertThrows(VerificationException.class, () -> GraphVerifier.verify(g));
        assertTrue(e.getMessage().contains("t") && e.getMessage().contains("inference"), e.getMessage());
        g.reinferTypes();
        GraphVerifier.verify(g);
        assertEquals(ValueType.f32(1, 4, 3, 4), g.value("t").type());
    }

    @Test
    void verifierCatchesOtherBreakage() {
        Graph g = new Graph("empty");
        g.addInput("x", ValueType.f32(2));
        assertTrue(assertThrows(VerificationException.class, () -> GraphVerifier.verify(g)).getMessage().contains("no outputs"));
        Graph other = sample();
        g.addOutput(other.value("relu"));
        assertTrue(assertThrows(VerificationException.class, () -> GraphVerifier.verify(g)).getMessage().contains("not defined"));
        Graph h = new Graph("foreign");
        Value y = h.apply("Relu", "r", other.value("relu")); // reads a value of another graph
        h.addOutput(y);
        assertThrows(VerificationException.class, () -> GraphVerifier.verify(h));
    }

    @Test
    void topologicalOrderAfterRewiring() {
        Graph g = new Graph("order");
        Value x = g.addInput("x", ValueType.f32(4));
        Value a = g.apply("Relu", "a", x);
        Value b = g.apply("Tanh", "b", a);
        Value c = g.apply("Sigmoid", "c", b);
        g.addOutput(c);
        Value d = g.apply("Sqrt", "d", x); // appended last
        Value e = g.apply("Identity", "e", d);
        g.setInput(a.producer(), 0, e); // now a depends on d and e
        assertEquals(List.of("d", "e", "a", "b", "c"), names(g));
        GraphVerifier.verify(g);
        // a node appended after its reader that is rewired to it
        Value f = g.apply("Erf", "f", x);
        g.setInput(c.producer(), 0, f);
        assertEquals(List.of("d", "e", "a", "b", "f", "c"), names(g));
        g.remove(b.producer());
        assertEquals(List.of("d", "e", "a", "f", "c"), names(g));
        GraphVerifier.verify(g);
    }

    @Test
    void removeUnusedConstants() {
        Graph g = sample();
        g.addConstant("unused", Tensor.ofFloats(Shape.of(2), 1, 2));
        Value asOutput = g.addConstant("table", Tensor.ofFloats(Shape.of(1), 7));
        g.addOutput(asOutput);
        g.addBuffer("unused.buffer", Tensor.ofLongs(Shape.of(1), 3));
        assertEquals(2, g.removeUnusedConstants());
        assertNull(g.constant("unused"));
        assertNull(g.value("unused.buffer"));
        assertSame(asOutput, g.constant("table"));
        assertEquals(7, g.constants().size());
        assertEquals(0, g.removeUnusedConstants());
        GraphVerifier.verify(g);
    }

    @Test
    void parameterCountExcludesBuffers() {
        Graph g = sample();
        assertEquals(6 + 3 + 3 + 3, g.parameterCount());
        assertEquals(6 + 3 + 3 + 3 + 3 + 3, g.constantElementCount());
        assertEquals(3L * 16 * 2, g.macs());
        assertEquals(Map.of("BatchNorm", 1, "Conv", 1, "Relu", 1, "Sigmoid", 1, "Transpose", 1), g.opHistogram());
        assertEquals(List.of("BatchNorm", "Conv", "Relu", "Sigmoid", "Transpose"), List.copyOf(g.opHistogram().keySet()));
    }

    @Test
    void printerShowsOpsAttributesAndNames() {
        String text = GraphPrinter.print(sample());
        assertTrue(text.startsWith("graph sample (%x: float32[1,2,4,4])\n"), text);
        assertTrue(text.contains("  const %conv.weight: float32[3,2,1,1]\n"), text);
        assertTrue(text.contains("%conv: float32[1,3,4,4] = Conv(%x, %conv.weight, %conv.bias)  # conv\n"), text);
        assertTrue(text.contains("= BatchNorm(%conv, %bn.weight, %bn.bias, %bn.running_mean, %bn.running_var) {epsilon=0.001}"), text);
        assertTrue(text.contains("%t: float32[1,4,4,3] = Transpose(%relu) {perm=[0,2,3,1]}  # t\n"), text);
        assertTrue(text.contains("= Relu(%bn)  # relu\n"), text);
        assertTrue(text.endsWith("  return %t, %sig\n"), text);
        Graph g = new Graph("s");
        Value x = g.addInput("x", ValueType.f32(4));
        g.addOutput(g.apply("Gelu", "gelu", Attributes.of("approximate", "tanh"), x));
        assertTrue(GraphPrinter.print(g).contains("Gelu(%x) {approximate=\"tanh\"}"), GraphPrinter.print(g));
    }

    @Test
    void nodeOrderAndNamesAreDeterministic() {
        assertEquals(GraphPrinter.print(sample()), GraphPrinter.print(sample()));
        Graph g = new Graph("names");
        Value x = g.addInput("x", ValueType.f32(2));
        Value r1 = g.apply("Relu", "block", x);
        Value r2 = g.apply("Relu", "block", r1);
        Value r3 = g.apply("Relu", "x", r2); // clashes with the input's value name
        assertEquals(List.of("block", "block_1", "x"), names(g));
        assertEquals("block_1", r2.name());
        assertEquals("x_1", r3.name());
        g.addOutput(r3);
        GraphVerifier.verify(g);
        Graph c = g.copy();
        assertEquals(GraphPrinter.print(g), GraphPrinter.print(c));
        // multi-output nodes name their values name:i
        Graph s = new Graph("split");
        Value in = s.addInput("in", ValueType.f32(6));
        Node sp = s.add("Split", "sp", List.of(in), Attributes.of("split", new int[] {2, 4}));
        assertEquals(List.of("sp:0", "sp:1"), sp.outputs().stream().map(Value::name).toList());
        assertEquals(ValueType.f32(4), sp.output(1).type());
        assertThrows(IllegalStateException.class, sp::output);
    }

    @Test
    void nodeAttributeDefaults() {
        Node conv = sample().value("conv").producer();
        assertEquals(1L, conv.i("groups"));
        assertEquals(List.of(1L, 1L), java.util.Arrays.stream(conv.ints("strides")).boxed().toList());
        assertThrows(IllegalArgumentException.class, () -> conv.attr("nonexistent"));
        Graph g = new Graph("a");
        Value x = g.addInput("x", ValueType.f32(2, 3));
        FormworkException e = assertThrows(FormworkException.class,
                () -> g.apply("ReduceMean", "mean.node", x)); // axes has no default
        assertTrue(e.getMessage().contains("mean.node") && e.getMessage().contains("axes"), e.getMessage());
        assertTrue(assertThrows(FormworkException.class, () -> g.apply("Relu", "two", x, x)).getMessage().contains("two"));
    }
}
