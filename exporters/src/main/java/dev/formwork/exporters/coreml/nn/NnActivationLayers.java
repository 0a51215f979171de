package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationReLU;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationSigmoid;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationTanh;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.GeluLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.SoftmaxNDLayerParams;
import java.util.Map;

/** Gelu (EXACT unless the graph or --gelu says otherwise), ReLU/Tanh/Sigmoid activations, softmaxND. */
final class NnActivationLayers {
    private NnActivationLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("Gelu", NnActivationLayers::gelu);
        t.put("Relu", (n, c) -> activation(n, c, ActivationParams.newBuilder().setReLU(ActivationReLU.getDefaultInstance())));
        t.put("Tanh", (n, c) -> activation(n, c, ActivationParams.newBuilder().setTanh(ActivationTanh.getDefaultInstance())));
        t.put("Sigmoid", (n, c) -> activation(n, c, ActivationParams.newBuilder().setSigmoid(ActivationSigmoid.getDefaultInstance())));
        t.put("Softmax", NnActivationLayers::softmax);
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
