package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.ir.op.ReduceOps;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReduceMaxLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReduceMeanLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReduceSumLayerParams;
import java.util.Map;

/**
 * ReduceMean / ReduceSum / ReduceMax -> the iOS 13 {@code reduceMean} / {@code reduceSum} /
 * {@code reduceMax} layers with explicit (non-negative, sorted) axes; the three messages have the
 * same fields. A rank-0 result is refused: a NeuralNetwork blob has rank 1..5.
 */
final class NnReduceLayers {
    private NnReduceLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("ReduceMean", reducer(NnReduceLayers::reduceMean));
        t.put("ReduceSum", reducer(NnReduceLayers::reduceSum));
        t.put("ReduceMax", reducer(NnReduceLayers::reduceMax));
    }

    private static NnLowering reducer(NnLowering lower) {
        return NnLowering.of(lower, (n, s) -> {
            if (n.output().shape().rank() == 0) throw NnContext.refuse(n, "a rank-0 result has no NeuralNetwork blob (use keepdims)");
        });
    }

    private static boolean keep(Node n) {
        return n.i("keepdims") != 0;
    }

    private static void add(Node n, NnContext c, NeuralNetworkLayer.Builder l) {
        String in = c.in(n, 0);
        c.add(l, n.name(), NnLowerings.one(in), NnLowerings.one(c.out(n, 0)));
    }

    static void reduceMean(Node n, NnContext c) {
        ReduceMeanLayerParams.Builder p = ReduceMeanLayerParams.newBuilder().setKeepDims(keep(n)).setReduceAll(false);
        for (int v : ReduceOps.reducedAxes(n)) p.addAxes(v);
        add(n, c, NeuralNetworkLayer.newBuilder().setReduceMean(p));
    }

    static void reduceSum(Node n, NnContext c) {
        ReduceSumLayerParams.Builder p = ReduceSumLayerParams.newBuilder().setKeepDims(keep(n)).setReduceAll(false);
        for (int v : ReduceOps.reducedAxes(n)) p.addAxes(v);
        add(n, c, NeuralNetworkLayer.newBuilder().setReduceSum(p));
    }

    static void reduceMax(Node n, NnContext c) {
        ReduceMaxLayerParams.Builder p = ReduceMaxLayerParams.newBuilder().setKeepDims(keep(n)).setReduceAll(false);
        for (int v : ReduceOps.reducedAxes(n)) p.addAxes(v);
        add(n, c, NeuralNetworkLayer.newBuilder().setReduceMax(p));
    }
}
