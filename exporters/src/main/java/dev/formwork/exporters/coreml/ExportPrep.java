package dev.formwork.exporters.coreml;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Makes any graph writable, optimised or not: works on a structural copy (the caller's graph is
 * never changed), evaluates every node whose inputs are all constants with its reference kernel
 * (a timm attention-bias Gather, a Reshape of a constant, a Constant node, ...) and drops
 * Identity nodes. The writers then only see ops that compute on activations.
 *
 * <p>Folding uses the op's own reference kernel, so the folded constant equals what the reference
 * interpreter computes; nothing here re-implements an op.
 */
public final class ExportPrep {
    private ExportPrep() {}

    /** Ops that vanish in preparation (folded or aliased), so the lowering tables need not know them. */
    public static final Set<String> VANISHING = Set.of("Constant", "Identity", "Gather");

    /** Nodes that {@link #prepare} will fold away (every input constant or itself folded). */
    public static Set<Node> foldable(Graph g) {
        Set<Node> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Value> constant = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : g.nodes()) {
            boolean all = true;
            for (Value v : n.inputs()) all &= v.isConstant() || constant.contains(v);
            if (all) {
                out.add(n);
                constant.addAll(n.outputs());
            }
        }
        return out;
    }

    /** A copy of {@code g} with constant subgraphs evaluated and Identity nodes removed. */
    public static Graph prepare(Graph g) {
        Graph c = g.copy();
        for (Node n : new ArrayList<>(c.nodes())) {
            if (n.is("Identity") && !n.input(0).isConstant()) {
                c.replaceAllUses(n.output(), n.input(0));
                c.remove(n);
                continue;
            }
            boolean all = true;
            for (Value v : n.inputs()) all &= v.isConstant();
            if (all) fold(c, n);
        }
        c.removeUnusedConstants();
        return c;
    }

    private static void fold(Graph c, Node n) {
        NdArray[] args = new NdArray[n.inputCount()];
        for (int i = 0; i < args.length; i++) args[i] = NdArray.fromTensor(n.input(i).constant());
        NdArray[] res;
        try {
            res = n.op().compute(n, args);
        } catch (FormworkException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new FormworkException("node " + n.name() + " (" + n.opType() + "): cannot evaluate its constant inputs: " + e.getMessage());
        }
        List<Value> outs = List.copyOf(n.outputs());
        List<Value> folded = new ArrayList<>();
        for (int k = 0; k < outs.size(); k++) {
            Tensor t = res[k].toTensor();
            folded.add(c.addConstant(outs.get(k).name(), t));
        }
        for (int k = 0; k < outs.size(); k++) c.replaceAllUses(outs.get(k), folded.get(k));
        c.remove(n);
    }
}
