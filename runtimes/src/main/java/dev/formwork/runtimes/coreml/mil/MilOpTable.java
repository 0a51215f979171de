package dev.formwork.runtimes.coreml.mil;

import java.util.HashMap;
import java.util.Map;

/** The op types this executor runs, each family registering its ops. */
final class MilOpTable {
    private static final Map<String, MilOp> OPS = new HashMap<>();

    static {
        MilElementwiseOps.register(OPS);
        MilActivationOps.register(OPS);
        MilConvOps.register(OPS);
        MilPoolOps.register(OPS);
        MilLinearOps.register(OPS);
        MilNormOps.register(OPS);
        MilReduceOps.register(OPS);
        MilShapeOps.register(OPS);
        MilSliceOps.register(OPS);
        MilResizeOps.register(OPS);
        MilClassifyOps.register(OPS);
    }

    private MilOpTable() {}

    static MilOp get(String type) {
        return OPS.get(type);
    }

    static boolean supports(String type) {
        return type.equals("const") || OPS.containsKey(type);
    }
}
