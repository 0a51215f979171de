package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * Reshape and Flatten -> {@code reshape} to the inferred output shape (no -1 and no 0, whose
 * meaning changed between iOS 16 and 17); Transpose -> {@code transpose}.
 */
final class ShapeLowering {
    private ShapeLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("Reshape", ShapeLowering::reshape);
        t.put("Flatten", ShapeLowering::reshape);
        t.put("Transpose", ShapeLowering::transpose);
    }

    static void reshape(Node n, MilContext c) {
        DataType t = c.computeType(n);
        int[] out = MilLowerings.shape(n.output());
        c.bind(n, 0, c.op("reshape", n).in("x", c.input(n, 0, t)).ints("shape", out).emit(t, out));
    }

    static void transpose(Node n, MilContext c) {
        DataType t = c.computeType(n);
        MilOp op = c.op("transpose", n).in("x", c.input(n, 0, t)).ints("perm", n.intArray("perm"));
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
