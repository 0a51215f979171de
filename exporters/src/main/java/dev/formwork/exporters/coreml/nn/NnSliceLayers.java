package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ConcatNDLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.SliceStaticLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.SplitNDLayerParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Split -> {@code splitND} with explicit sizes; Slice -> {@code sliceStatic} with every
 * per-axis field given (the validator wants begin/end ids, strides and both masks);
 * Concat -> {@code concatND} (a single input is copied).
 */
final class NnSliceLayers {
    private NnSliceLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("Split", NnSliceLayers::split);
        t.put("Slice", NnSliceLayers::slice);
        t.put("Concat", NnSliceLayers::concat);
    }

    static void split(Node n, NnContext c) {
        Shape x = n.input(0).shape();
        long[] sizes = n.ints("split");
        SplitNDLayerParams.Builder p = SplitNDLayerParams.newBuilder().setAxis(x.axis((int) n.i("axis"))).setNumSplits(sizes.length);
        for (long s : sizes) p.addSplitSizes(s);
        String in = c.in(n, 0);
        List<String> outs = new ArrayList<>();
        for (int k = 0; k < n.outputs().size(); k++) outs.add(c.out(n, k));
        NeuralNetworkLayer.Builder l = NeuralNetworkLayer.newBuilder();
        if (sizes.length == 1) l.setActivation(NnShapeLayers.copy());
        else l.setSplitND(p);
        c.add(l, n.name(), NnLowerings.one(in), outs);
    }

    static void slice(Node n, NnContext c) {
        int[] x = n.input(0).shape().toArray();
        int r = x.length;
        long[] begin = new long[r], end = new long[r], stride = new long[r];
        boolean[] beginMask = new boolean[r], endMask = new boolean[r];
        for (int a = 0; a < r; a++) {
            end[a] = x[a];
            stride[a] = 1;
        }
        long[] axes = n.ints("axes"), starts = n.ints("starts"), ends = n.ints("ends"), steps = n.ints("steps");
        for (int i = 0; i < axes.length; i++) {
            int a = n.input(0).shape().axis((int) axes[i]);
            long step = steps.length == 0 ? 1 : steps[i];
            long st = starts[i] < 0 ? starts[i] + x[a] : starts[i];
            long en = ends[i] < 0 ? ends[i] + x[a] : ends[i];
            long lo = step > 0 ? 0 : -1, hi = step > 0 ? x[a] : x[a] - 1;
            st = Math.max(lo, Math.min(st, hi));
            en = Math.max(lo, Math.min(en, hi));
            begin[a] = st;
            stride[a] = step;
            if (step < 0 && en < 0) {
                endMask[a] = true;
                end[a] = 0;
            } else {
                end[a] = en;
            }
        }
        SliceStaticLayerParams.Builder p = SliceStaticLayerParams.newBuilder();
        for (int a = 0; a < r; a++) {
            p.addBeginIds(begin[a]).addEndIds(end[a]).addStrides(stride[a]).addBeginMasks(beginMask[a])
                    .addEndMasks(endMask[a]).addSqueezeMasks(false);
        }
        String in = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setSliceStatic(p), n.name(), NnLowerings.one(in), NnLowerings.one(c.out(n, 0)));
    }

    static void concat(Node n, NnContext c) {
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < n.inputCount(); i++) ins.add(c.in(n, i));
        NeuralNetworkLayer.Builder l = NeuralNetworkLayer.newBuilder();
        if (ins.size() == 1) l.setActivation(NnShapeLayers.copy());
        else l.setConcatND(ConcatNDLayerParams.newBuilder().setAxis(n.input(0).shape().axis((int) n.i("axis"))));
        c.add(l, n.name(), ins, NnLowerings.one(c.out(n, 0)));
    }
}
