package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationLinear;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReorganizeDataLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReshapeStaticLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.TransposeLayerParams;
import java.util.Map;

/**
 * Data movement: Reshape/Flatten -> {@code reshapeStatic} to the inferred shape; Transpose ->
 * {@code transpose} with the full permutation; SpaceToDepth -> {@code reorganizeData}
 * SPACE_TO_DEPTH, whose channel order (TensorFlow/ONNX) is the IR's.
 */
final class NnShapeLayers {
    private NnShapeLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("Reshape", NnShapeLayers::reshape);
        t.put("Flatten", NnShapeLayers::reshape);
        t.put("Transpose", NnShapeLayers::transpose);
        t.put("SpaceToDepth", NnLowering.of(NnShapeLayers::spaceToDepth, (n, s) -> NnLowerings.nchwOnly(n)));
    }

    static void reshape(Node n, NnContext c) {
        ReshapeStaticLayerParams.Builder p = ReshapeStaticLayerParams.newBuilder();
        for (int d : n.output().shape().toArray()) p.addTargetShape(d);
        String x = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setReshapeStatic(p), n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }

    static void transpose(Node n, NnContext c) {
        TransposeLayerParams.Builder p = TransposeLayerParams.newBuilder();
        for (long a : n.ints("perm")) p.addAxes(a);
        String x = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setTranspose(p), n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }

    static void spaceToDepth(Node n, NnContext c) {
        int bs = (int) n.i("blocksize");
        String x = c.in(n, 0);
        NeuralNetworkLayer.Builder l = NeuralNetworkLayer.newBuilder();
        if (bs == 1) l.setActivation(copy()); // reorganizeData needs blockSize >= 2; size 1 moves nothing
        else l.setReorganizeData(ReorganizeDataLayerParams.newBuilder().setMode(ReorganizeDataLayerParams.ReorganizationType.SPACE_TO_DEPTH).setBlockSize(bs));
        c.add(l, n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }

    /** y = 1 * x + 0: the NN way to copy a blob. */
    static ActivationParams copy() {
        return ActivationParams.newBuilder().setLinear(ActivationLinear.newBuilder().setAlpha(1f)).build();
    }
}
