package dev.formwork.exporters.coreml.nn;

import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import java.util.List;

/** Test helper: a lowered model built as one protobuf message, every weight materialised in it. */
public final class WholeNnModel {
    private WholeNnModel() {}

    public static Model of(NnModelWriter.Written w) {
        Model m = w.model();
        Model.Builder b = m.toBuilder();
        if (m.hasNeuralNetworkClassifier()) {
            List<NeuralNetworkLayer> layers = m.getNeuralNetworkClassifier().getLayersList();
            b.getNeuralNetworkClassifierBuilder().clearLayers();
            for (NeuralNetworkLayer l : layers) b.getNeuralNetworkClassifierBuilder().addLayers(w.weights().materialize(l));
        } else {
            List<NeuralNetworkLayer> layers = m.getNeuralNetwork().getLayersList();
            b.getNeuralNetworkBuilder().clearLayers();
            for (NeuralNetworkLayer l : layers) b.getNeuralNetworkBuilder().addLayers(w.weights().materialize(l));
        }
        return b.build();
    }
}
