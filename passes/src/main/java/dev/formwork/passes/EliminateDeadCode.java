package dev.formwork.passes;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import java.util.List;

/**
 * {@code eliminate-dead-code}: removes nodes none of whose outputs is read by another node or
 * is a graph output, then constants nobody reads (the weights and BatchNorm statistics that
 * folding replaced). Every IR op is pure, so nothing observable goes. Nodes are visited from the
 * last to the first, so a dead chain goes in one run.
 */
public final class EliminateDeadCode implements Pass {
    @Override
    public String name() {
        return "eliminate-dead-code";
    }

    @Override
    public String purpose() {
        return "removes nodes whose outputs nobody reads and unused constants";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        int constantsBefore = g.constants().size();
        List<Node> nodes = List.copyOf(g.nodes());
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (!rw.live(n)) continue;
            boolean dead = true;
            for (var o : n.outputs()) dead &= o.users().isEmpty() && !rw.isOutput(o);
            if (dead) {
                rw.removeCascade(n);
                rw.rewrote();
            }
        }
        PassResult r = rw.finish("");
        g.removeUnusedConstants();
        int constants = constantsBefore - g.constants().size();
        int nodesRemoved = r.removed().values().stream().mapToInt(Integer::intValue).sum();
        String msg = nodesRemoved + " dead nodes, " + constants + " unused constants removed";
        return new PassResult(nodesRemoved + constants, r.removed(), r.added(), msg, null);
    }
}
