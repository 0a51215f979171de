package dev.formwork.exporters.onnx.lower;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * IR op type -> ONNX writer. Each op family registers its writers from its own small file; the
 * keys of this table are exactly the ops the exporter supports (its TargetProfile reads them).
 */
public final class LoweringTable {
    private static final Map<String, OpWriter> WRITERS = new LinkedHashMap<>();

    static {
        ElementwiseWriters.register(WRITERS);
        GeluWriters.register(WRITERS);
        ConvWriters.register(WRITERS);
        PoolWriters.register(WRITERS);
        NormWriters.register(WRITERS);
        MatMulWriters.register(WRITERS);
        ReduceWriters.register(WRITERS);
        ShapeWriters.register(WRITERS);
        ResizeWriters.register(WRITERS);
    }

    private LoweringTable() {}

    /** The writer for an IR op type, or null when the exporter has none. */
    public static OpWriter writer(String opType) {
        return WRITERS.get(opType);
    }

    public static Set<String> supportedOps() {
        return Collections.unmodifiableSet(WRITERS.keySet());
    }
}
