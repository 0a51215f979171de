package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.FlattenLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReduceMaxLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReduceMeanLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReduceSumLayerParams;
import dev.formwork.runtimes.coreml.kernels.Permute;
import dev.formwork.runtimes.coreml.kernels.Reduce;
import java.util.Map;

/**
 * Layers that reshape or reduce (NeuralNetwork.proto): flatten (rank >= 3, leading axes batch;
 * output {@code [..., C*H*W, 1, 1]}, CHANNEL_FIRST keeps the data order, CHANNEL_LAST orders
 * it H, W, C), transpose (full permutation {@code axes}), reshapeStatic ({@code targetShape},
 * one -1 inferred), reduceMean / reduceSum / reduceMax (axes, keepDims, reduceAll; max propagates
 * NaN; a full reduction without keepDims is shape [1]), loadConstantND (shape of 1..5 dims).
 */
final class NnShapeLayers {
    private NnShapeLayers() {}

    static void register(Map<LayerCase, NnLayer> t) {
        t.put(LayerCase.FLATTEN, NnShapeLayers::flatten);
        t.put(LayerCase.TRANSPOSE, c -> {
            NdArray x = c.x();
            int[] perm = c.layer.getTranspose().getAxesList().stream().mapToInt(Long::intValue).toArray();
            if (!Permute.valid(perm, x.rank())) throw c.fail("axes " + c.layer.getTranspose().getAxesList() + " are not a permutation of rank " + x.rank());
            return new NdArray[] {NdArray.of(Permute.shape(x.shape(), perm), Permute.apply(x.data(), x.shape(), perm))};
        });
        t.put(LayerCase.RESHAPESTATIC, NnShapeLayers::reshapeStatic);
        t.put(LayerCase.REDUCEMEAN, c -> {
            ReduceMeanLayerParams p = c.layer.getReduceMean();
            return reduce(c, p.getAxesList(), p.getKeepDims(), p.getReduceAll(), Reduce::mean);
        });
        t.put(LayerCase.REDUCESUM, c -> {
            ReduceSumLayerParams p = c.layer.getReduceSum();
            return reduce(c, p.getAxesList(), p.getKeepDims(), p.getReduceAll(), Reduce::sum);
        });
        t.put(LayerCase.REDUCEMAX, c -> {
            ReduceMaxLayerParams p = c.layer.getReduceMax();
            return reduce(c, p.getAxesList(), p.getKeepDims(), p.getReduceAll(), Reduce::max);
        });
        t.put(LayerCase.LOADCONSTANTND, c -> {
            var p = c.layer.getLoadConstantND();
            if (p.getShapeCount() < 1 || p.getShapeCount() > 5) throw c.fail("shape must have 1..5 dims");
            int[] shape = p.getShapeList().stream().mapToInt(Long::intValue).toArray();
            long n = 1;
            for (int d : shape) n *= d;
            return new NdArray[] {NdArray.of(shape, c.weights(p.getData(), n, "data"))};
        });
    }

    private static NdArray[] flatten(NnLayerContext c) {
        NdArray x = c.x();
        int r = x.rank();
        if (r < 3) throw c.fail("input must have rank >= 3, got " + x);
        int ch = x.dim(-3), h = x.dim(-2), w = x.dim(-1);
        int batch = x.size() / Math.max(1, ch * h * w);
        float[] y = x.data().clone();
        if (c.layer.getFlatten().getMode() == FlattenLayerParams.FlattenOrder.CHANNEL_LAST) {
            y = Permute.apply(x.data(), new int[] {batch, ch, h, w}, new int[] {0, 2, 3, 1});
        }
        int[] shape = x.shape();
        shape[r - 3] = ch * h * w;
        shape[r - 2] = 1;
        shape[r - 1] = 1;
        return new NdArray[] {NdArray.of(shape, y)};
    }

    private static NdArray[] reshapeStatic(NnLayerContext c) {
        NdArray x = c.x();
        var target = c.layer.getReshapeStatic().getTargetShapeList();
        if (target.isEmpty()) throw c.fail("targetShape is empty");
        int[] out = new int[target.size()];
        int infer = -1;
        long known = 1;
        for (int k = 0; k < out.length; k++) {
            long v = target.get(k);
            if (v == -1 && infer < 0) {
                infer = k;
                continue;
            }
            if (v <= 0) throw c.fail("targetShape entry " + v + " is not supported");
            out[k] = Math.toIntExact(v);
            known *= v;
        }
        if (infer >= 0) {
            if (known == 0 || x.size() % known != 0) throw c.fail("cannot infer the -1 of " + target + " for " + x);
            out[infer] = (int) (x.size() / known);
            known *= out[infer];
        }
        if (known != x.size()) throw c.fail("cannot reshape " + x + " to " + target);
        return new NdArray[] {NdArray.of(out, x.data().clone())};
    }

    /** reduceMean / reduceSum / reduceMax share their fields: axes, keepDims, reduceAll. */
    private static NdArray[] reduce(NnLayerContext c, java.util.List<Long> axes, boolean keepDims, boolean all, Reduce.Kernel kernel) {
        NdArray x = c.x();
        int r = x.rank();
        boolean[] red = new boolean[r];
        if (all) java.util.Arrays.fill(red, true);
        else for (long a : axes) red[c.axis(a, r)] = true;
        float[] y = kernel.apply(x.data(), x.shape(), red);
        int kept = 0;
        for (boolean b : red) if (!b) kept++;
        int[] shape;
        if (keepDims) {
            shape = x.shape();
            for (int k = 0; k < r; k++) if (red[k]) shape[k] = 1;
        } else if (kept == 0) {
            shape = new int[] {1};
        } else {
            shape = new int[kept];
            for (int k = 0, j = 0; k < r; k++) if (!red[k]) shape[j++] = x.dim(k);
        }
        return new NdArray[] {NdArray.of(shape, y)};
    }

    static int prod(int[] s, int from, int to) {
        return Reduce.prod(s, from, to);
    }
}
