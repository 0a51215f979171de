package dev.formwork.exporters.coreml.mil;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import java.util.Map;

/**
 * SpaceToDepth -> {@code space_to_depth}. The IR uses the ONNX/TensorFlow channel order
 * (channel = (by*bs + bx)*C + c), which is MIL space_to_depth's; MIL pixel_unshuffle would be
 * PyTorch's order (c*bs*bs + by*bs + bx) and is not used.
 */
final class SpaceToDepthLowering {
    private SpaceToDepthLowering() {}

    static void register(Map<String, MilLowering> t) {
        t.put("SpaceToDepth", MilLowering.of(SpaceToDepthLowering::spaceToDepth, (n, s) -> MilLowerings.nchwOnly(n)));
    }

    static void spaceToDepth(Node n, MilContext c) {
        DataType t = c.computeType(n);
        MilOp op = c.op("space_to_depth", n).in("x", c.input(n, 0, t)).int32("block_size", (int) n.i("blocksize"));
        c.bind(n, 0, op.emit(t, MilLowerings.shape(n.output())));
    }
}
