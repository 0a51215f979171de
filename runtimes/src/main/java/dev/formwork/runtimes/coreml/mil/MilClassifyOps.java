package dev.formwork.runtimes.coreml.mil;

import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * {@code classify} (coremltools {@code iOS15/classify.py}): {@code probabilities} is an fp32
 * tensor with one value per class and {@code classes} a list of int64 or string labels; the
 * outputs are the predicted label and the label -> probability dictionary. Here the label comes
 * out as an int64 scalar holding the top-1 class <i>index</i> (the first of equal maxima) and the
 * dictionary as the fp32 probabilities in class order; the session maps both to arrays.
 */
final class MilClassifyOps {
    private MilClassifyOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("classify", c -> {
            MilValue p = c.in("probabilities");
            if (p.dtype() != DataType.FLOAT32) throw c.fail("probabilities must be fp32, got " + p.describe());
            MilValue classes = c.in("classes");
            if (!classes.isList()) throw c.fail("classes must be a list");
            if (classes.items().size() != p.size()) {
                throw c.fail(classes.items().size() + " classes for " + p.size() + " probabilities");
            }
            float[] v = p.floats();
            int best = 0;
            for (int k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
            return new MilValue[] {
                MilValue.ints(DataType.INT64, new int[0], new long[] {best}),
                MilValue.floats(DataType.FLOAT32, new int[] {v.length}, v.clone())
            };
        });
    }

    /** The label strings of a classify op's class list, in order. */
    static String label(MilValue item) {
        return item.dtype() == DataType.STRING ? item.strings()[0] : Long.toString(item.longs()[0]);
    }
}
