package dev.formwork.runtimes.coreml.nn;

import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import java.util.EnumMap;
import java.util.Map;

/** The layer types this executor runs, each family registering its layers. */
final class NnLayerTable {
    private static final Map<LayerCase, NnLayer> LAYERS = new EnumMap<>(LayerCase.class);

    static {
        NnConvolutionLayers.register(LAYERS);
        NnActivationLayers.register(LAYERS);
        NnDenseLayers.register(LAYERS);
        NnNormLayers.register(LAYERS);
        NnElementwiseLayers.register(LAYERS);
        NnShapeLayers.register(LAYERS);
        NnSliceLayers.register(LAYERS);
        NnResampleLayers.register(LAYERS);
    }

    private NnLayerTable() {}

    static NnLayer get(LayerCase c) {
        return LAYERS.get(c);
    }
}
