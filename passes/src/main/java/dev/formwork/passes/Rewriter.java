package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Graph edits for one pass run, with the bookkeeping a pass report needs. Every edit is local
 * (O(users) of the values it touches); nothing here scans the graph, so a pass that visits each
 * node once stays linear.
 *
 * <ul>
 *   <li>Names are kept: a rebuilt node keeps its name; a rewritten weight keeps its checkpoint key
 *       (the key is what exporters write, and a folded conv still is that layer); a value that is
 *       a graph output keeps its name when another node takes its place.</li>
 *   <li>Weights are staged: {@link #setWeight} points the slot at a temporary constant at once (later
 *       matches read the new tensor) and {@link #finish} gives it the original key after one sweep
 *       of unused constants.</li>
 *   <li>Counts: nodes added and removed by op type, netted in the result.</li>
 * </ul>
 */
public final class Rewriter {
    private static final Tensor SCRATCH = Tensor.scalar(0f);

    private final Graph g;
    private final Map<String, Integer> delta = new TreeMap<>();
    private final IdentityHashMap<Value, String> stagedNames = new IdentityHashMap<>();
    private final List<Value> staged = new ArrayList<>();
    private static final long SWEEP_BYTES = 64L << 20;
    private int scratch;
    private int rewrites;
    private long superseded;

    public Rewriter(Graph g) {
        this.g = g;
    }

    public Graph graph() {
        return g;
    }

    /** Counts one rewritten match. */
    public void rewrote() {
        rewrites++;
    }

    public int rewrites() {
        return rewrites;
    }

    /** True while {@code n} is still part of the graph (snapshots of the node list go stale). */
    public boolean live(Node n) {
        return n.graph() == g;
    }

    public boolean isOutput(Value v) {
        return g.outputs().contains(v);
    }

    /** The only node reading {@code v}, or null when v has several readers or is a graph output. */
    public Node soleUser(Value v) {
        if (v.users().size() != 1 || isOutput(v)) return null;
        return v.users().get(0).node();
    }

    public Value apply(String op, String name, Attributes attrs, Value... ins) {
        return add(op, name, List.of(ins), attrs).output();
    }

    public Node add(String op, String name, List<Value> ins, Attributes attrs) {
        Node n = g.add(op, name, ins, attrs);
        delta.merge(op, 1, Integer::sum);
        return n;
    }

    /** A new constant; the name is made unique if taken. */
    public Value constant(String name, Tensor t) {
        return g.addConstant(name, t);
    }

    /**
     * Points input {@code slot} of {@code n} at a new constant holding {@code t}. The constant
     * ends up with the key of the one it replaces (see {@link #finish}), and is a buffer when that
     * one was. May sweep constants nobody reads: wire a new constant before the next call.
     */
    public Value setWeight(Node n, int slot, Tensor t) {
        Value old = n.input(slot);
        Value tmp = stagedConstant(keyOf(old), t, old.isBuffer());
        g.setInput(n, slot, tmp);
        if (stagedNames.containsKey(old) && old.users().isEmpty() && !isOutput(old)) {
            // A weight rewritten twice in one run (BN fold, then a scale): drop superseded copies
            // in batches so that a pass never holds more than ~64 MB of them.
            superseded += old.constant().byteSize();
            if (superseded > SWEEP_BYTES) {
                g.removeUnusedConstants();
                superseded = 0;
            }
        }
        return tmp;
    }

    /**
     * For a pass that replaces many large weights once each, after earlier passes have already
     * replaced them: counts {@code bytes} of weights just replaced and, past ~64 MB since the last
     * sweep, drops the constants nobody reads and asks for a collection. Without it the replaced
     * copies sit in the old generation until it fills, and the heap grows to hold them: on L7's
     * savedmodel conversion carry-mixer-scale raised peak RSS from 905 to 1,028 MB. Same rule as
     * {@link #setWeight}: call it only when every constant the pass still needs is wired.
     */
    public void replacedWeights(long bytes) {
        superseded += bytes;
        if (superseded > SWEEP_BYTES) {
            g.removeUnusedConstants();
            superseded = 0;
            System.gc();
        }
    }

    /**
     * A constant that will be named {@code key} at {@link #finish}, once the constant now holding
     * that key has gone (when it is still read elsewhere, the new one gets a suffix).
     */
    public Value stagedConstant(String key, Tensor t, boolean buffer) {
        Value tmp = buffer ? g.addBuffer(key + "~", t) : g.addConstant(key + "~", t);
        stagedNames.put(tmp, key);
        staged.add(tmp);
        return tmp;
    }

    /** The final key of a constant, also for one staged by {@link #setWeight}. */
    public String keyOf(Value constant) {
        return stagedNames.getOrDefault(constant, constant.name());
    }

    /**
     * Every use of {@code old}'s output now reads {@code repl}; {@code old} goes, and so do the
     * producers left without readers. When old's output is a graph output, repl's producer is
     * rebuilt under that name. Returns false and changes nothing when the output name cannot be
     * kept (repl is a graph input, a constant, or already an output).
     */
    public boolean replace(Node old, Value repl) {
        Value out = old.output();
        boolean isOut = isOutput(out);
        if (isOut && (repl.producer() == null || repl.producer().outputs().size() != 1 || isOutput(repl))) return false;
        String name = out.name();
        g.replaceAllUses(out, repl);
        removeCascade(old);
        if (isOut) {
            Node p = repl.producer();
            rebuild(p, p.opType(), p.inputs(), p.attributes(), name);
        }
        return true;
    }

    /** Removes {@code n} (its outputs must be unused) and then every producer left without readers. */
    public void removeCascade(Node n) {
        Deque<Node> work = new ArrayDeque<>();
        work.push(n);
        while (!work.isEmpty()) {
            Node d = work.pop();
            if (!live(d) || !dead(d)) continue;
            List<Value> ins = d.inputs();
            g.remove(d);
            delta.merge(d.opType(), -1, Integer::sum);
            for (Value v : ins) {
                Node p = v.producer();
                if (p != null && live(p) && dead(p)) work.push(p);
            }
        }
    }

    private boolean dead(Node n) {
        for (Value o : n.outputs()) if (!o.users().isEmpty() || isOutput(o)) return false;
        return true;
    }

    /**
     * Replaces node {@code n} by constants holding its outputs, each named like the output it
     * replaces (and a buffer when {@code buffer}).
     */
    public void replaceByConstants(Node n, Tensor[] values, boolean buffer) {
        List<Value> outs = n.outputs(), holders = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Value o : outs) {
            Value h = g.addConstant("__rewriter_scratch" + scratch++, SCRATCH);
            names.add(o.name());
            g.replaceAllUses(o, h);
            holders.add(h);
        }
        removeCascade(n);
        for (int i = 0; i < holders.size(); i++) {
            Value c = buffer ? g.addBuffer(names.get(i), values[i]) : g.addConstant(names.get(i), values[i]);
            g.replaceAllUses(holders.get(i), c);
        }
    }

    /** Replaces {@code old} by a new node of the same name with other op, inputs or attributes. */
    public Node rebuild(Node old, String op, List<Value> ins, Attributes attrs) {
        return rebuild(old, op, ins, attrs, old.name());
    }

    private Node rebuild(Node old, String op, List<Value> ins, Attributes attrs, String name) {
        List<Value> ins0 = List.copyOf(ins), oldIns = old.inputs();
        List<Value> holders = new ArrayList<>();
        for (Value o : old.outputs()) {
            Value h = g.addConstant("__rewriter_scratch" + scratch++, SCRATCH);
            g.replaceAllUses(o, h);
            holders.add(h);
        }
        g.remove(old);
        delta.merge(old.opType(), -1, Integer::sum);
        Node m = add(op, name, ins0, attrs);
        if (m.outputs().size() != holders.size()) throw new IllegalStateException("rebuild of " + old + " changed the output count");
        for (int i = 0; i < holders.size(); i++) g.replaceAllUses(holders.get(i), m.output(i));
        for (Value v : oldIns) {
            Node p = v.producer();
            if (p != null && live(p) && dead(p)) removeCascade(p);
        }
        return m;
    }

    /**
     * Gives staged weights their keys and drops constants nobody reads (the tensors they replaced,
     * BatchNorm statistics of folded norms, scratch values); returns the result with net counts.
     */
    public PassResult finish(String message) {
        if (!staged.isEmpty() || scratch > 0 || rewrites > 0) {
            g.removeUnusedConstants();
            for (Value tmp : staged) {
                if (tmp.users().isEmpty() && !isOutput(tmp)) continue; // superseded by a later edit
                String key = stagedNames.get(tmp);
                Value fin = tmp.isBuffer() ? g.addBuffer(key, tmp.constant()) : g.addConstant(key, tmp.constant());
                g.replaceAllUses(tmp, fin);
            }
            g.removeUnusedConstants();
            staged.clear();
        }
        Map<String, Integer> removed = new TreeMap<>(), added = new TreeMap<>();
        for (Map.Entry<String, Integer> e : delta.entrySet()) {
            if (e.getValue() < 0) removed.put(e.getKey(), -e.getValue());
            if (e.getValue() > 0) added.put(e.getKey(), e.getValue());
        }
        return new PassResult(rewrites, removed, added, message, null);
    }
}
