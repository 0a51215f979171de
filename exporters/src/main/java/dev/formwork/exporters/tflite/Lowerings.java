package dev.formwork.exporters.tflite;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The TFLite lowering table: IR op type -> the lowering that writes it. */
final class Lowerings {
    private static final Map<String, OpLowering> TABLE = build();

    private Lowerings() {}

    private static Map<String, OpLowering> build() {
        Map<String, OpLowering> m = new LinkedHashMap<>();
        m.put("Conv", new ConvLowering());
        m.put("AveragePool", new PoolLowering.Average());
        m.put("MaxPool", new PoolLowering.Max());
        m.put("Resize", new ResizeLowering());
        m.put("BatchNorm", new NormLowering.BatchNorm());
        m.put("LayerNorm", new NormLowering.LayerNorm());
        m.put("Gelu", new GeluLowering());
        for (String op : ElementwiseLowering.BINARY.keySet().stream().sorted().toList()) m.put(op, new ElementwiseLowering.Binary());
        for (String op : ElementwiseLowering.UNARY.keySet().stream().sorted().toList()) m.put(op, new ElementwiseLowering.Unary());
        m.put("Identity", new ElementwiseLowering.Identity());
        m.put("Erf", new ElementwiseLowering.Erf());
        m.put("MatMul", new MatMulLowering.MatMul());
        m.put("Linear", new MatMulLowering.Linear());
        for (String op : ReduceLowering.REDUCE.keySet().stream().sorted().toList()) m.put(op, new ReduceLowering.Reduce());
        m.put("Softmax", new ReduceLowering.Softmax());
        m.put("Reshape", new ShapeLowering.Reshape());
        m.put("Flatten", new ShapeLowering.Reshape());
        m.put("Transpose", new ShapeLowering.Transpose());
        m.put("Split", new ShapeLowering.Split());
        m.put("Slice", new ShapeLowering.Slice());
        m.put("Concat", new ShapeLowering.Concat());
        m.put("SpaceToDepth", new ShapeLowering.SpaceToDepth());
        m.put("Gather", new ConstantFolding());
        m.put("Constant", new ConstantFolding());
        return m;
    }

    static OpLowering get(String op) {
        return TABLE.get(op);
    }

    /** IR ops this exporter writes (Erf is listed so that it gets a helpful refusal, not a generic one). */
    static Set<String> supported() {
        java.util.Set<String> s = new java.util.LinkedHashSet<>(TABLE.keySet());
        s.remove("Erf");
        return s;
    }
}
