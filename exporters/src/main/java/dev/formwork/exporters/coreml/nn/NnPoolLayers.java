package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.PoolingLayerParams;
import java.util.Map;

/**
 * AveragePool -> {@code pooling} AVERAGE with valid padding amounts; count_include_pad=False is
 * {@code avgPoolExcludePadding = true} (what ONNX Runtime's Core ML writer emits).
 */
final class NnPoolLayers {
    private NnPoolLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("AveragePool", NnLowering.of(NnPoolLayers::avgPool, (n, s) -> NnLowerings.nchwOnly(n)));
    }

    static void avgPool(Node n, NnContext c) {
        int[] k = n.intArray("kernel"), s = n.intArray("strides");
        PoolingLayerParams.Builder p = PoolingLayerParams.newBuilder().setType(PoolingLayerParams.PoolingType.AVERAGE)
                .addKernelSize(k[0]).addKernelSize(k[1]).addStride(s[0]).addStride(s[1])
                .setValid(NnConvLayers.padding(n.intArray("pads")))
                .setAvgPoolExcludePadding(n.i("count_include_pad") == 0);
        String x = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setPooling(p), n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }
}
