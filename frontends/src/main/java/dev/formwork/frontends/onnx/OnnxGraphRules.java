package dev.formwork.frontends.onnx;

import dev.formwork.frontends.onnx.OnnxFile.Graph;
import dev.formwork.frontends.onnx.OnnxFile.Model;
import dev.formwork.frontends.onnx.OnnxFile.Node;
import dev.formwork.frontends.onnx.OnnxFile.TensorData;
import dev.formwork.frontends.onnx.OnnxFile.ValueInfo;
import dev.formwork.ir.FormworkException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The graph rules an imported file must keep, checked over the whole graph before any node is
 * imported: every value defined once (graph inputs, initializers, node outputs), every node input
 * and graph output defined, no self-loops or cycles (named as such, not as "not produced by an
 * earlier node"), and every initializer's dims non-negative with an element count that fits in
 * 64 bits and its inline data exactly as long as those dims need. Without this a value defined
 * twice would silently take the later definition, and an initializer no node reads would never
 * be looked at. Judges the decoded file only: nothing is allocated per element and no
 * external-data file is opened.
 */
final class OnnxGraphRules {
    private OnnxGraphRules() {}

    static void check(Model model) {
        Graph g = model.graph();
        String at = model.file() + ": ";
        Set<String> defined = new HashSet<>();
        Set<String> inits = new HashSet<>();
        for (TensorData t : g.initializers()) {
            if (!inits.add(t.name())) throw new FormworkException(at + "initializer '" + shown(t.name()) + "' is defined twice");
            initializer(at, t);
        }
        Set<String> inputs = new HashSet<>();
        for (ValueInfo v : g.inputs()) {
            if (!inputs.add(v.name())) throw new FormworkException(at + "graph input '" + shown(v.name()) + "' is declared twice");
        }
        defined.addAll(inputs);
        defined.addAll(inits); // an initializer may also be listed as a graph input (its overridable default)
        Map<String, Integer> producer = new HashMap<>();
        List<Node> nodes = g.nodes();
        for (int n = 0; n < nodes.size(); n++) {
            for (String o : nodes.get(n).outputs()) {
                if (o.isEmpty()) continue;
                if (!defined.add(o)) throw new FormworkException(at + label(nodes.get(n), n) + ": value '" + shown(o) + "' is defined twice");
                producer.put(o, n);
            }
        }
        int[] pending = new int[nodes.size()];
        Map<Integer, List<Integer>> users = new HashMap<>();
        for (int n = 0; n < nodes.size(); n++) {
            for (String in : nodes.get(n).inputs()) {
                if (in.isEmpty()) continue;
                if (!defined.contains(in)) throw new FormworkException(at + label(nodes.get(n), n) + ": input '" + shown(in) + "' is undefined");
                Integer p = producer.get(in);
                if (p == null) continue;
                if (p == n) throw new FormworkException(at + label(nodes.get(n), n) + " reads its own output '" + shown(in) + "' (self-loop)");
                pending[n]++;
                users.computeIfAbsent(p, k -> new ArrayList<>()).add(n);
            }
        }
        for (ValueInfo v : g.outputs()) {
            if (!defined.contains(v.name())) throw new FormworkException(at + "graph output '" + shown(v.name()) + "' is undefined");
        }
        // Kahn's algorithm: the nodes it cannot order lie on a cycle or behind one.
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int n = 0; n < pending.length; n++) if (pending[n] == 0) ready.add(n);
        int ordered = 0;
        while (!ready.isEmpty()) {
            int n = ready.poll();
            ordered++;
            for (int u : users.getOrDefault(n, List.of())) if (--pending[u] == 0) ready.add(u);
        }
        if (ordered < pending.length) {
            for (int n = 0; n < pending.length; n++) {
                if (pending[n] > 0) throw new FormworkException(at + label(nodes.get(n), n) + " is on a cycle");
            }
        }
    }

    private static void initializer(String at, TensorData t) {
        String what = at + "initializer '" + shown(t.name()) + "': ";
        long numel = 1;
        for (long d : t.dims()) {
            if (d < 0) throw new FormworkException(what + "negative dimension in " + java.util.Arrays.toString(t.dims()));
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException e) {
                throw new FormworkException(what + "dims " + java.util.Arrays.toString(t.dims()) + " hold more elements than fit in 64 bits");
            }
        }
        for (long d : t.dims()) {
            if (d > Integer.MAX_VALUE) throw new FormworkException(what + "dim " + d + " is larger than 2^31 - 1");
        }
        if (!t.external().isEmpty()) return; // checked, without opening the file, when the tensor is read
        int elem = switch (t.dataType()) {
            case OnnxTensors.BOOL, OnnxTensors.UINT8, OnnxTensors.INT8 -> 1;
            case OnnxTensors.UINT16, OnnxTensors.INT16, OnnxTensors.FLOAT16 -> 2;
            case OnnxTensors.FLOAT, OnnxTensors.INT32, OnnxTensors.UINT32 -> 4;
            case OnnxTensors.INT64, OnnxTensors.DOUBLE, OnnxTensors.UINT64 -> 8;
            default -> 0; // strings and types the importer refuses when a node reads them
        };
        if (elem == 0 || t.raw() == null) return; // typed fields: counted against the dims when read
        if (numel > Long.MAX_VALUE / elem || t.raw().remaining() != numel * elem) {
            throw new FormworkException(what + "raw_data holds " + t.raw().remaining() + " bytes, dims "
                    + java.util.Arrays.toString(t.dims()) + " need " + (numel > Long.MAX_VALUE / elem ? "more than 2^63" : numel * elem));
        }
    }

    private static String label(Node node, int index) {
        return "node '" + shown(node.name().isEmpty() ? node.opType() + "#" + index : node.name()) + "'";
    }

    private static String shown(String s) {
        return FormworkException.shown(s);
    }
}
