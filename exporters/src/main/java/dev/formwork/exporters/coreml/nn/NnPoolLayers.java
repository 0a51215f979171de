package dev.formwork.exporters.coreml.nn;

import dev.formwork.exporters.coreml.MaxPoolAttrs;
import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.PoolingLayerParams;
import java.util.Map;

/**
 * AveragePool -> {@code pooling} AVERAGE with valid padding amounts; count_include_pad=False is
 * {@code avgPoolExcludePadding = true} (what ONNX Runtime's Core ML writer emits). MaxPool over
 * H and W -> {@code pooling} MAX with the same explicit amounts: padded positions never win a
 * max in either, and valid padding's output size is the IR's floor formula.
 */
final class NnPoolLayers {
    private NnPoolLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("AveragePool", NnLowering.of(NnPoolLayers::avgPool, (n, s) -> NnLowerings.nchwOnly(n)));
        t.put("MaxPool", NnLowering.of(NnPoolLayers::maxPool, (n, s) -> {
            if (n.input(0).shape().rank() != 4) throw NnContext.refuse(n, "pooling is 2-D (rank-4 input), input is " + n.input(0).shape());
            MaxPoolAttrs a = MaxPoolAttrs.of(n);
            if (a.dilated()) throw NnContext.refuse(n, "pooling has no dilations, node has " + java.util.Arrays.toString(a.dilations()));
        }));
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

    static void maxPool(Node n, NnContext c) {
        MaxPoolAttrs a = MaxPoolAttrs.of(n);
        int[] k = a.kernel(), s = a.strides();
        PoolingLayerParams.Builder p = PoolingLayerParams.newBuilder().setType(PoolingLayerParams.PoolingType.MAX)
                .addKernelSize(k[0]).addKernelSize(k[1]).addStride(s[0]).addStride(s[1])
                .setValid(NnConvLayers.padding(a.pads()));
        String x = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setPooling(p), n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }
}
