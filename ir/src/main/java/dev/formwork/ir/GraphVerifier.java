package dev.formwork.ir;

import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Checks the IR's invariants: every value defined once and before use, use lists that match
 * the inputs, types that agree with shape inference, outputs that exist. Runs after every
 * construction and every pass; a failure is a bug in the builder or the pass.
 */
public final class GraphVerifier {
    private GraphVerifier() {}

    public static void verify(Graph g) {
        Set<String> names = new HashSet<>();
        IdentityHashMap<Value, Boolean> defined = new IdentityHashMap<>();
        for (Value v : g.inputs()) define(g, v, names, defined);
        for (Value v : g.constants()) {
            if (v.constant() == null) fail(g, "constant " + v.name() + " has no data");
            if (!v.constant().type().equals(v.type())) fail(g, "constant " + v.name() + " type differs from its data");
            define(g, v, names, defined);
        }
        Set<String> nodeNames = new HashSet<>();
        for (Node n : g.nodes()) {
            if (n.graph() != g) fail(g, "node " + n.name() + " belongs to another graph");
            if (!nodeNames.add(n.name())) fail(g, "node name " + n.name() + " used twice");
            for (int i = 0; i < n.inputCount(); i++) {
                Value v = n.input(i);
                if (!defined.containsKey(v)) fail(g, "node " + n.name() + " reads " + v.name() + " before it is defined");
                boolean listed = false;
                for (Value.Use u : v.users()) listed |= u.node() == n && u.index() == i;
                if (!listed) fail(g, "value " + v.name() + " does not list its use by " + n.name());
            }
            if (n.inputCount() < n.op().minInputs() || n.inputCount() > n.op().maxInputs()) {
                fail(g, "node " + n.name() + " has " + n.inputCount() + " inputs");
            }
            List<ValueType> types = n.op().infer(n, Graph.typesOf(n.inputs()));
            if (types.size() != n.outputs().size()) fail(g, "node " + n.name() + " output count differs from its op");
            for (int i = 0; i < types.size(); i++) {
                Value out = n.output(i);
                if (out.producer() != n) fail(g, "value " + out.name() + " does not know its producer " + n.name());
                if (!types.get(i).equals(out.type())) {
                    fail(g, "node " + n.name() + " output " + out.name() + " is " + out.type() + ", inference says " + types.get(i));
                }
                define(g, out, names, defined);
            }
        }
        for (Value v : defined.keySet()) {
            for (Value.Use u : v.users()) {
                if (u.node().graph() != g) fail(g, "value " + v.name() + " lists a removed user " + u.node().name());
                if (u.node().input(u.index()) != v) fail(g, "value " + v.name() + " lists a stale use by " + u.node().name());
            }
        }
        if (g.outputs().isEmpty()) fail(g, "no outputs");
        for (Value v : g.outputs()) {
            if (!defined.containsKey(v)) fail(g, "output " + v.name() + " is not defined");
        }
    }

    private static void define(Graph g, Value v, Set<String> names, IdentityHashMap<Value, Boolean> defined) {
        if (!names.add(v.name())) fail(g, "value name " + v.name() + " defined twice");
        defined.put(v, true);
    }

    private static void fail(Graph g, String msg) {
        throw new VerificationException("graph " + g.name() + ": " + msg);
    }
}
