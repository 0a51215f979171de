package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.SliceStaticLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.SplitNDLayerParams;
import dev.formwork.runtimes.coreml.kernels.Slicing;
import java.util.Arrays;
import java.util.Map;

/**
 * Cutting and joining layers (NeuralNetwork.proto): splitND (splitSizes, else numSplits equal
 * parts, along axis), sliceStatic (Python slicing per axis; a begin mask starts at the axis start,
 * an end mask runs to its end, a squeeze mask takes beginIds[i] alone and drops the axis) and
 * concatND (axis; interleave alternates the inputs along the axis).
 */
final class NnSliceLayers {
    private NnSliceLayers() {}

    static void register(Map<LayerCase, NnLayer> t) {
        t.put(LayerCase.SPLITND, NnSliceLayers::split);
        t.put(LayerCase.SLICESTATIC, NnSliceLayers::slice);
        t.put(LayerCase.CONCATND, c -> {
            if (c.in.length < 2) throw c.fail("needs at least 2 inputs");
            NdArray f = c.in[0];
            int axis = c.axis(c.layer.getConcatND().getAxis(), f.rank());
            boolean inter = c.layer.getConcatND().getInterleave();
            float[][] parts = new float[c.in.length][];
            int[][] shapes = new int[c.in.length][];
            int total = 0;
            for (int k = 0; k < c.in.length; k++) {
                NdArray v = c.in[k];
                if (v.rank() != f.rank()) throw c.fail("input " + v + " rank differs from " + f);
                for (int d = 0; d < v.rank(); d++) {
                    if ((d != axis || inter) && v.dim(d) != f.dim(d)) throw c.fail("input " + v + " does not match " + f);
                }
                parts[k] = v.data();
                shapes[k] = v.shape();
                total += v.dim(axis);
            }
            int[] out = f.shape();
            out[axis] = total;
            return new NdArray[] {NdArray.of(out, Slicing.concat(parts, shapes, axis, inter))};
        });
    }

    private static NdArray[] split(NnLayerContext c) {
        SplitNDLayerParams p = c.layer.getSplitND();
        NdArray x = c.x();
        int axis = c.axis(p.getAxis(), x.rank()), len = x.dim(axis);
        int[] sizes;
        if (p.getSplitSizesCount() > 0) {
            sizes = p.getSplitSizesList().stream().mapToInt(Long::intValue).toArray();
        } else {
            int n = Math.toIntExact(p.getNumSplits());
            if (n <= 0 || len % n != 0) throw c.fail("numSplits " + n + " does not divide axis length " + len);
            sizes = new int[n];
            Arrays.fill(sizes, len / n);
        }
        if (Arrays.stream(sizes).sum() != len) throw c.fail("split sizes " + Arrays.toString(sizes) + " do not sum to " + len);
        if (sizes.length != c.layer.getOutputCount()) throw c.fail(sizes.length + " splits but " + c.layer.getOutputCount() + " outputs");
        NdArray[] outs = new NdArray[sizes.length];
        int start = 0;
        for (int k = 0; k < sizes.length; k++) {
            int[] begin = new int[x.rank()], step = new int[x.rank()], shape = x.shape();
            Arrays.fill(step, 1);
            begin[axis] = start;
            shape[axis] = sizes[k];
            outs[k] = NdArray.of(shape, Slicing.strided(x.data(), x.shape(), begin, step, shape));
            start += sizes[k];
        }
        return outs;
    }

    private static NdArray[] slice(NnLayerContext c) {
        SliceStaticLayerParams p = c.layer.getSliceStatic();
        NdArray x = c.x();
        int r = x.rank();
        if (p.getBeginIdsCount() != r || p.getEndIdsCount() != r || p.getStridesCount() != r
                || p.getBeginMasksCount() != r || p.getEndMasksCount() != r) {
            throw c.fail("beginIds, endIds, strides, beginMasks and endMasks need rank " + r + " entries each");
        }
        int[] begin = new int[r], step = new int[r], out = new int[r];
        int kept = 0;
        boolean[] squeeze = new boolean[r];
        for (int k = 0; k < r; k++) {
            int len = x.dim(k);
            squeeze[k] = k < p.getSqueezeMasksCount() && p.getSqueezeMasks(k);
            if (squeeze[k]) {
                int i = (int) (p.getBeginIds(k) < 0 ? p.getBeginIds(k) + len : p.getBeginIds(k));
                if (i < 0 || i >= len) throw c.fail("squeezed index " + p.getBeginIds(k) + " out of range on axis " + k);
                begin[k] = i;
                step[k] = 1;
                out[k] = 1;
                continue;
            }
            kept++;
            step[k] = Math.toIntExact(p.getStrides(k));
            if (step[k] == 0) throw c.fail("stride 0 on axis " + k);
            int[] be = Slicing.bounds(p.getBeginMasks(k) ? null : (int) p.getBeginIds(k), p.getEndMasks(k) ? null : (int) p.getEndIds(k), step[k], len);
            begin[k] = be[0];
            out[k] = Slicing.count(be[0], be[1], step[k]);
        }
        float[] y = Slicing.strided(x.data(), x.shape(), begin, step, out);
        int[] shape = new int[Math.max(kept, 1)];
        if (kept == 0) shape[0] = 1;
        for (int k = 0, j = 0; k < r; k++) if (!squeeze[k]) shape[j++] = out[k];
        return new NdArray[] {NdArray.of(shape, y)};
    }
}
