package dev.formwork.exporters.savedmodel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The SavedModel lowering table: IR op type -> the writer that emits it. */
final class Writers {
    private static final Map<String, OpWriter> TABLE = build();

    private Writers() {}

    private static Map<String, OpWriter> build() {
        Map<String, OpWriter> m = new LinkedHashMap<>();
        m.put("Conv", new ConvWriters.Conv());
        m.put("AveragePool", new ConvWriters.AvgPool());
        m.put("MaxPool", new ConvWriters.MaxPool());
        m.put("Resize", new ReduceWriters.Resize());
        m.put("BatchNorm", new NormWriters.BatchNorm());
        m.put("LayerNorm", new NormWriters.LayerNorm());
        for (String op : ElementwiseWriters.BINARY.keySet().stream().sorted().toList()) m.put(op, new ElementwiseWriters.Binary());
        for (String op : ElementwiseWriters.UNARY.keySet().stream().sorted().toList()) m.put(op, new ElementwiseWriters.Unary());
        m.put("HardSwish", new ElementwiseWriters.HardSwish());
        m.put("Identity", new ElementwiseWriters.Identity());
        m.put("MatMul", new MatMulWriters.MatMul());
        m.put("Linear", new MatMulWriters.Linear());
        for (String op : ReduceWriters.REDUCE.keySet().stream().sorted().toList()) m.put(op, new ReduceWriters.Reduce());
        m.put("Softmax", new ReduceWriters.Softmax());
        m.put("Reshape", new ShapeWriters.Reshape());
        m.put("Flatten", new ShapeWriters.Reshape());
        m.put("Transpose", new ShapeWriters.Transpose());
        m.put("Split", new ShapeWriters.Split());
        m.put("Slice", new ShapeWriters.Slice());
        m.put("Concat", new ShapeWriters.Concat());
        m.put("SpaceToDepth", new ShapeWriters.SpaceToDepth());
        return m;
    }

    static OpWriter get(String op) {
        return TABLE.get(op);
    }

    /** IR ops this exporter writes; nodes over constants only (Gather of attention biases...) are folded at export. */
    static Set<String> supported() {
        Set<String> s = new java.util.LinkedHashSet<>(TABLE.keySet());
        s.add("Gather");
        s.add("Constant");
        return s;
    }
}
