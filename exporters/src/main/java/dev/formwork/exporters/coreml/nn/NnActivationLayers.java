package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationReLU;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationSigmoid;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationSigmoidHard;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationTanh;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.GeluLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.MultiplyLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.SoftmaxNDLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.UnaryFunctionLayerParams;
import java.util.List;
import java.util.Map;

/**
 * Gelu (EXACT unless the graph or --gelu says otherwise), ReLU/Tanh/Sigmoid activations,
 * softmaxND, Exp as the unary layer EXP, and HardSwish as a sigmoidHard activation (alpha 1/6,
 * beta 0.5: {@code min(max(x/6 + 0.5, 0), 1)}, the IR's clamp) multiplied by x in a
 * {@code multiply} layer, whose two inputs have the same shape. The NeuralNetwork format has no
 * hard-swish layer.
 */
final class NnActivationLayers {
    private NnActivationLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("Gelu", NnActivationLayers::gelu);
        t.put("Relu", (n, c) -> activation(n, c, ActivationParams.newBuilder().setReLU(ActivationReLU.getDefaultInstance())));
        t.put("Tanh", (n, c) -> activation(n, c, ActivationParams.newBuilder().setTanh(ActivationTanh.getDefaultInstance())));
        t.put("Sigmoid", (n, c) -> activation(n, c, ActivationParams.newBuilder().setSigmoid(ActivationSigmoid.getDefaultInstance())));
        t.put("Softmax", NnActivationLayers::softmax);
        t.put("Exp", (n, c) -> {
            String x = c.in(n, 0);
            c.add(NeuralNetworkLayer.newBuilder().setUnary(UnaryFunctionLayerParams.newBuilder().setType(UnaryFunctionLayerParams.Operation.EXP)),
                    n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
        });
        t.put("HardSwish", NnActivationLayers::hardSwish);
    }

    static void hardSwish(Node n, NnContext c) {
        String x = c.in(n, 0);
        String gate = c.auxBlob(n.name() + "_gate", n.input(0).shape().toArray());
        ActivationParams.Builder hard = ActivationParams.newBuilder().setSigmoidHard(ActivationSigmoidHard.newBuilder().setAlpha(1f / 6f).setBeta(0.5f));
        c.add(NeuralNetworkLayer.newBuilder().setActivation(hard), n.name() + "_gate", NnLowerings.one(x), NnLowerings.one(gate));
        c.add(NeuralNetworkLayer.newBuilder().setMultiply(MultiplyLayerParams.getDefaultInstance()), n.name(), List.of(x, gate),
                NnLowerings.one(c.out(n, 0)));
    }

    static void gelu(Node n, NnContext c) {
        String form = c.settings().gelu() != null ? c.settings().gelu() : n.s("approximate");
        GeluLayerParams.GeluMode mode = switch (form) {
            case "tanh" -> GeluLayerParams.GeluMode.TANH_APPROXIMATION;
            case "sigmoid" -> GeluLayerParams.GeluMode.SIGMOID_APPROXIMATION;
            default -> GeluLayerParams.GeluMode.EXACT;
        };
        String x = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setGelu(GeluLayerParams.newBuilder().setMode(mode)), n.name(),
                NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }

    static void activation(Node n, NnContext c, ActivationParams.Builder a) {
        String x = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setActivation(a), n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }

    static void softmax(Node n, NnContext c) {
        int axis = n.input(0).shape().axis((int) n.i("axis"));
        String x = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setSoftmaxND(SoftmaxNDLayerParams.newBuilder().setAxis(axis)), n.name(),
                NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }
}
