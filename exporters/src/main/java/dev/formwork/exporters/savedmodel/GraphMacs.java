package dev.formwork.exporters.savedmodel;

import dev.formwork.proto.tensorflow.SavedModelProto.AttrValue;
import dev.formwork.proto.tensorflow.SavedModelProto.GraphDef;
import dev.formwork.proto.tensorflow.SavedModelProto.NodeDef;
import dev.formwork.proto.tensorflow.SavedModelProto.TensorShapeProto;
import java.util.HashMap;
import java.util.Map;

/**
 * Multiply-accumulates of a GraphDef's convolutions and matrix products, from the shapes the
 * file states: Const values, Placeholder shapes and {@code _output_shapes}. -1 when a shape it
 * needs is not stated (a SavedModel written by another tool without {@code _output_shapes}).
 */
final class GraphMacs {
    private final Map<String, NodeDef> byName = new HashMap<>();

    private GraphMacs(GraphDef g) {
        for (NodeDef n : g.getNodeList()) byName.put(n.getName(), n);
    }

    static long of(GraphDef g) {
        GraphMacs m = new GraphMacs(g);
        long total = 0;
        for (NodeDef n : g.getNodeList()) {
            long k = m.macs(n);
            if (k < 0) return -1;
            total += k;
        }
        return total;
    }

    private long macs(NodeDef n) {
        switch (n.getOp()) {
            case "Conv2D", "DepthwiseConv2dNative" -> {
                long[] y = shape(n.getName()), w = shape(n.getInput(1));
                if (y == null || w == null) return -1;
                // Conv2D: every output element sums kH*kW*Cin products; depthwise: kH*kW.
                return numel(y) * w[0] * w[1] * (n.getOp().equals("Conv2D") ? w[2] : 1);
            }
            case "MatMul", "BatchMatMulV2" -> {
                long[] y = shape(n.getName()), a = shape(n.getInput(0));
                if (y == null || a == null) return -1;
                boolean adjA = flag(n, "transpose_a") || flag(n, "adj_x");
                return numel(y) * a[adjA ? a.length - 2 : a.length - 1];
            }
            default -> {
                return 0;
            }
        }
    }

    private static boolean flag(NodeDef n, String attr) {
        AttrValue v = n.getAttrMap().get(attr);
        return v != null && v.getB();
    }

    /** The shape of tensor {@code ref} ("node" or "node:k"), through Cast and Identity; null when unknown. */
    private long[] shape(String ref) {
        int colon = ref.lastIndexOf(':');
        String name = colon < 0 ? ref : ref.substring(0, colon);
        int index = colon < 0 ? 0 : Integer.parseInt(ref.substring(colon + 1));
        NodeDef n = byName.get(name);
        if (n == null) return null;
        Map<String, AttrValue> a = n.getAttrMap();
        AttrValue out = a.get("_output_shapes");
        if (out != null && out.getList().getShapeCount() > index) return dims(out.getList().getShape(index));
        return switch (n.getOp()) {
            case "Const" -> a.containsKey("value") ? dims(a.get("value").getTensor().getTensorShape()) : null;
            case "Placeholder" -> a.containsKey("shape") ? dims(a.get("shape").getShape()) : null;
            case "Cast", "Identity" -> shape(n.getInput(0));
            default -> null;
        };
    }

    private static long[] dims(TensorShapeProto s) {
        if (s.getUnknownRank()) return null;
        long[] d = new long[s.getDimCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = s.getDim(i).getSize();
            if (d[i] < 0) return null;
        }
        return d;
    }

    private static long numel(long[] s) {
        long n = 1;
        for (long d : s) n *= d;
        return n;
    }
}
