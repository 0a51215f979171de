package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Split -> {@code split} with explicit sizes; Slice -> {@code slice_by_index} with one
 * begin/end/stride per axis (ONNX clamping resolved here, so every index is in range);
 * Concat -> {@code concat} (no interleave).
 */
final class SliceLowering {
    private SliceLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("Split", SliceLowering::split);
        t.put("Slice", SliceLowering::slice);
        t.put("Concat", SliceLowering::concat);
    }

    static void split(Node n, MilContext c) {
        DataType t = c.computeType(n);
        Shape x = n.input(0).shape();
        long[] sizes = n.ints("split");
        int[] s = new int[sizes.length];
        for (int i = 0; i < s.length; i++) s[i] = (int) sizes[i];
        MilOp op = c.multiOp("split", n).in("x", c.input(n, 0, t)).ints("split_sizes", s).int32("axis", x.axis((int) n.i("axis")));
        List<MilVar> outs = new ArrayList<>();
        for (int k = 0; k < n.outputs().size(); k++) outs.add(op.out(c.outName(n, k), t, MilLowerings.shape(n.output(k))));
        op.emit();
        for (int k = 0; k < outs.size(); k++) c.bind(n, k, outs.get(k));
    }

    static void slice(Node n, MilContext c) {
        DataType t = c.computeType(n);
        int[] x = MilLowerings.shape(n.input(0));
        int r = x.length;
        int[] begin = new int[r], end = x.clone(), stride = new int[r];
        boolean[] beginMask = new boolean[r], endMask = new boolean[r];
        Arrays.fill(stride, 1);
        long[] axes = n.ints("axes"), starts = n.ints("starts"), ends = n.ints("ends"), steps = n.ints("steps");
        for (int i = 0; i < axes.length; i++) {
            int a = n.input(0).shape().axis((int) axes[i]);
            long step = steps.length == 0 ? 1 : steps[i];
            long st = starts[i] < 0 ? starts[i] + x[a] : starts[i];
            long en = ends[i] < 0 ? ends[i] + x[a] : ends[i];
            if (step > 0) {
                st = Math.max(0, Math.min(st, x[a]));
                en = Math.max(0, Math.min(en, x[a]));
            } else {
                st = Math.max(-1, Math.min(st, x[a] - 1));
                en = Math.max(-1, Math.min(en, x[a] - 1));
            }
            begin[a] = (int) st;
            stride[a] = (int) step;
            if (step < 0 && en < 0) endMask[a] = true; // "up to and including index 0"
            else end[a] = (int) en;
        }
        MilOp op = c.op("slice_by_index", n).in("x", c.input(n, 0, t)).ints("begin", begin).ints("end", end)
                .ints("stride", stride).bools("begin_mask", beginMask).bools("end_mask", endMask)
                .bools("squeeze_mask", new boolean[r]);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }

    static void concat(Node n, MilContext c) {
        DataType t = c.computeType(n);
        List<MilVar> vs = new ArrayList<>();
        for (int i = 0; i < n.inputCount(); i++) vs.add(c.input(n, i, t));
        Value first = n.input(0);
        MilOp op = c.op("concat", n).in("values", vs).int32("axis", first.shape().axis((int) n.i("axis")))
                .bool("interleave", false);
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
