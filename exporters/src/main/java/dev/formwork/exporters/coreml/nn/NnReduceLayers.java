package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReduceMeanLayerParams;
import java.util.Map;

/** ReduceMean -> {@code reduceMean} with explicit (non-negative) axes. */
final class NnReduceLayers {
    private NnReduceLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("ReduceMean", NnLowering.of(NnReduceLayers::reduceMean, (n, s) -> {
            if (n.output().shape().rank() == 0) throw NnContext.refuse(n, "a rank-0 result has no NeuralNetwork blob (use keepdims)");
        }));
    }

    static void reduceMean(Node n, NnContext c) {
        Shape x = n.input(0).shape();
        long[] axes = n.ints("axes");
        int[] a = new int[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = x.axis((int) axes[i]);
        java.util.Arrays.sort(a);
        ReduceMeanLayerParams.Builder p = ReduceMeanLayerParams.newBuilder().setKeepDims(n.i("keepdims") != 0).setReduceAll(false);
        for (int v : a) p.addAxes(v);
        String in = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setReduceMean(p), n.name(), NnLowerings.one(in), NnLowerings.one(c.out(n, 0)));
    }
}
