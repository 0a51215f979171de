package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/** Conv -> {@code conv} with explicit ("custom") padding; MIL's pad order is [top, bottom, left, right]. */
final class ConvLowering {
    private ConvLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("Conv", MilLowering.of(ConvLowering::conv, (n, s) -> {
            MilLowerings.nchwOnly(n);
            if (n.inputCount() > 2 && !n.input(2).isConstant()) throw MilContext.refuse(n, "conv bias must be a constant");
        }));
    }

    static void conv(Node n, MilContext c) {
        DataType t = c.computeType(n);
        int[] p = n.intArray("pads"); // IR: [top, left, bottom, right]
        MilOp op = c.op("conv", n).in("x", c.input(n, 0, t)).in("weight", c.input(n, 1, t));
        if (n.inputCount() > 2) op.in("bias", c.input(n, 2, t));
        op.ints("strides", n.intArray("strides")).str("pad_type", "custom").ints("pad", p[0], p[2], p[1], p[3])
                .ints("dilations", n.intArray("dilations")).int32("groups", (int) n.i("groups"));
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
