package dev.formwork.ir.interp;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: runs a graph node by node with each op's reference kernel, in
 * float32 and NCHW. It is the yardstick every exporter and pass is checked against.
 *
 * <p>Constants are widened to float arrays once per interpreter and reused across runs;
 * activations are dropped as soon as their last reader has run.
 */
public final class Interpreter {
    /** Sees every computed value (for locating mismatches against stored intermediates). */
    public interface Observer {
        void onValue(Value value, NdArray data);
    }

    private final Graph graph;
    private final List<Node> order;
    private final IdentityHashMap<Value, NdArray> constants = new IdentityHashMap<>();
    private final IdentityHashMap<Value, Integer> lastUse = new IdentityHashMap<>();

    public Interpreter(Graph graph) {
        this.graph = graph;
        this.order = List.copyOf(graph.nodes());
        for (int i = 0; i < order.size(); i++) {
            for (Value v : order.get(i).inputs()) lastUse.put(v, i);
        }
        for (Value out : graph.outputs()) lastUse.put(out, Integer.MAX_VALUE);
    }

    public Graph graph() {
        return graph;
    }

    /** Runs with inputs in graph-input order; returns outputs in graph-output order. */
    public NdArray[] run(NdArray... inputs) {
        return run(inputs, null);
    }

    public NdArray[] run(NdArray[] inputs, Observer observer) {
        List<Value> gin = graph.inputs();
        if (inputs.length != gin.size()) {
            throw new FormworkException("model " + graph.name() + " takes " + gin.size() + " inputs, got " + inputs.length);
        }
        IdentityHashMap<Value, NdArray> env = new IdentityHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            Value v = gin.get(i);
            if (!Arrays.equals(inputs[i].shape(), v.shape().toArray())) {
                throw new FormworkException("input " + v.name() + " has shape " + Arrays.toString(inputs[i].shape())
                        + ", model expects " + v.shape());
            }
            env.put(v, inputs[i]);
        }
        for (int i = 0; i < order.size(); i++) {
            Node node = order.get(i);
            NdArray[] args = new NdArray[node.inputCount()];
            for (int k = 0; k < args.length; k++) {
                Value v = node.input(k);
                NdArray a = v.isConstant() ? constant(v) : env.get(v);
                if (a == null) throw new IllegalStateException("value " + v.name() + " not computed before " + node.name());
                args[k] = a;
            }
            NdArray[] res;
            try {
                res = node.op().compute(node, args);
            } catch (FormworkException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new IllegalStateException("kernel " + node.opType() + " failed at node " + node.name(), e);
            }
            for (int k = 0; k < res.length; k++) {
                Value out = node.output(k);
                if (!Arrays.equals(res[k].shape(), out.shape().toArray())) {
                    throw new IllegalStateException("kernel " + node.opType() + " at " + node.name() + " produced "
                            + Arrays.toString(res[k].shape()) + ", inferred " + out.shape());
                }
                env.put(out, res[k]);
                if (observer != null) observer.onValue(out, res[k]);
            }
            for (Value v : node.inputs()) {
                Integer last = lastUse.get(v);
                if (last != null && last == i && !v.isConstant()) env.remove(v);
            }
        }
        NdArray[] outs = new NdArray[graph.outputs().size()];
        for (int i = 0; i < outs.length; i++) {
            Value v = graph.output(i);
            outs[i] = v.isConstant() ? constant(v) : env.get(v);
        }
        return outs;
    }

    /** Runs and returns outputs by name. */
    public Map<String, NdArray> runNamed(NdArray... inputs) {
        NdArray[] outs = run(inputs);
        Map<String, NdArray> m = new LinkedHashMap<>();
        for (int i = 0; i < outs.length; i++) m.put(graph.output(i).name(), outs[i]);
        return m;
    }

    private synchronized NdArray constant(Value v) {
        return constants.computeIfAbsent(v, c -> NdArray.fromTensor(c.constant()));
    }
}
