package dev.formwork.exporters.onnx;

import dev.formwork.ir.FormworkException;
import dev.formwork.proto.onnx.OnnxProto.GraphProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.StringStringEntryProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.proto.onnx.OnnxProto.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Structural checks of a foreign {@code .onnx} graph before anything uses it: every value defined
 * once (graph inputs, initializers, node outputs), every node input and graph output defined, no
 * self-loops or cycles, initializer dims non-negative with a product that fits, data present in
 * exactly the size the dims and type need, and external data only in relative locations inside
 * the model's folder. The external file is never opened here: a location is judged by its text,
 * so a FIFO or device named by a hostile model cannot block or be read.
 *
 * <p>Only the top-level graph is checked; subgraphs (If/Loop bodies) may name values of the outer
 * scope and are left to the runtime, which the protobuf nesting limit already bounds.
 */
final class OnnxGraphCheck {
    private OnnxGraphCheck() {}

    static void check(Path file, OnnxStructure.Structure s) {
        GraphProto g = s.model().getGraph();
        String at = file + ": ";
        Set<String> defined = new HashSet<>();
        Set<String> inputs = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!inputs.add(v.getName())) throw new FormworkException(at + "graph input '" + FormworkException.shown(v.getName()) + "' is declared twice");
        }
        defined.addAll(inputs);
        Set<String> inits = new HashSet<>();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (!inits.add(t.getName())) throw new FormworkException(at + "initializer '" + FormworkException.shown(t.getName()) + "' is defined twice");
            initializer(file, t, s.data().get(i));
        }
        defined.addAll(inits); // an initializer may also be a graph input: its overridable default
        Map<String, Integer> producer = new HashMap<>();
        for (int n = 0; n < g.getNodeCount(); n++) {
            NodeProto node = g.getNode(n);
            for (String o : node.getOutputList()) {
                if (o.isEmpty()) continue;
                if (!defined.add(o)) {
                    throw new FormworkException(at + "node " + name(node, n) + ": value '" + FormworkException.shown(o) + "' is defined twice");
                }
                producer.put(o, n);
            }
        }
        int[] pending = new int[g.getNodeCount()];
        Map<Integer, List<Integer>> users = new HashMap<>();
        for (int n = 0; n < g.getNodeCount(); n++) {
            NodeProto node = g.getNode(n);
            for (String in : node.getInputList()) {
                if (in.isEmpty()) continue;
                if (!defined.contains(in)) throw new FormworkException(at + "node " + name(node, n) + ": input '" + FormworkException.shown(in) + "' is undefined");
                Integer p = producer.get(in);
                if (p == null) continue;
                if (p == n) throw new FormworkException(at + "node " + name(node, n) + " reads its own output '" + FormworkException.shown(in) + "' (self-loop)");
                pending[n]++;
                users.computeIfAbsent(p, k -> new java.util.ArrayList<>()).add(n);
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            if (!defined.contains(v.getName())) throw new FormworkException(at + "graph output '" + FormworkException.shown(v.getName()) + "' is undefined");
        }
        // Kahn's algorithm: whatever cannot be ordered lies on a cycle.
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
                if (pending[n] > 0) throw new FormworkException(at + "node " + name(g.getNode(n), n) + " is on a cycle");
            }
        }
    }

    private static String name(NodeProto node, int index) {
        return "'" + FormworkException.shown(node.getName().isEmpty() ? node.getOpType() + "#" + index : node.getName()) + "'";
    }

    private static void initializer(Path file, TensorProto t, OnnxStructure.DataSize size) {
        String at = file + ": initializer '" + FormworkException.shown(t.getName()) + "': ";
        long numel = 1;
        for (long d : t.getDimsList()) {
            if (d < 0) throw new FormworkException(at + "negative dimension in " + t.getDimsList());
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException e) {
                throw new FormworkException(at + "dims " + t.getDimsList() + " hold more elements than fit in 64 bits");
            }
        }
        int elem = OnnxTypes.elementBytes(t.getDataType());
        boolean external = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0;
        if (external) {
            external(file, t, numel, elem);
            return;
        }
        if (elem <= 0) return; // strings and sub-byte types: sizes not checked here
        if (size.rawBytes() >= 0) {
            long need;
            try {
                need = Math.multiplyExact(numel, elem);
            } catch (ArithmeticException e) {
                throw new FormworkException(at + "dims " + t.getDimsList() + " need more bytes than fit in 64 bits");
            }
            if (size.rawBytes() != need) {
                throw new FormworkException(at + "raw_data holds " + size.rawBytes() + " bytes, dims " + t.getDimsList() + " need " + need);
            }
        } else if (size.typedElements() != numel) {
            throw new FormworkException(at + "holds " + size.typedElements() + " values, dims " + t.getDimsList() + " need " + numel);
        }
    }

    /** Checks the location text and the declared offset/length; the file itself is not touched. */
    private static void external(Path file, TensorProto t, long numel, int elem) {
        String at = file + ": initializer '" + FormworkException.shown(t.getName()) + "': external data ";
        String location = null;
        for (StringStringEntryProto kv : t.getExternalDataList()) {
            switch (kv.getKey()) {
                case "location" -> location = kv.getValue();
                case "offset", "length" -> {
                    long v;
                    try {
                        v = Long.parseLong(kv.getValue());
                    } catch (NumberFormatException e) {
                        throw new FormworkException(at + kv.getKey() + " '" + FormworkException.shown(kv.getValue()) + "' is not an integer");
                    }
                    if (v < 0) throw new FormworkException(at + kv.getKey() + " " + v + " is negative");
                    if (kv.getKey().equals("length") && elem > 0 && numel <= Long.MAX_VALUE / elem && v != numel * elem) {
                        throw new FormworkException(at + "length " + v + ", dims " + t.getDimsList() + " need " + numel * elem);
                    }
                }
                default -> { }
            }
        }
        if (location == null || location.isEmpty()) throw new FormworkException(at + "has no location");
        dev.formwork.exporters.ContainedPath.resolve(file.toAbsolutePath().normalize().getParent(), location, at + "location");
    }
}
