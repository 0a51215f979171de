package dev.formwork.exporters.coreml.nn;

import dev.formwork.exporters.MaxPoolAttrs;
import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.PoolingLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReshapeStaticLayerParams;
import java.util.Map;

/**
 * AveragePool -> {@code pooling} AVERAGE with valid padding amounts; count_include_pad=False is
 * {@code avgPoolExcludePadding = true} (what ONNX Runtime's Core ML writer emits). MaxPool over
 * H and W -> {@code pooling} MAX with the same explicit amounts: padded positions never win a
 * max in either, and valid padding's output size is the IR's floor formula. A 1-D MaxPool
 * [N, C, L] is that pooling on [N, C, 1, L] between two reshapeStatic layers (a 1 x k window
 * over a height of 1 is the 1-D window), since the layer needs rank 4.
 */
final class NnPoolLayers {
    private NnPoolLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("AveragePool", NnLowering.of(NnPoolLayers::avgPool, (n, s) -> NnLowerings.nchwOnly(n)));
        t.put("MaxPool", NnLowering.of(NnPoolLayers::maxPool, (n, s) -> {
            int rank = n.input(0).shape().rank();
            if (rank != 3 && rank != 4) throw NnContext.refuse(n, "pooling is 1-D or 2-D (rank 3 or 4 input), input is " + n.input(0).shape());
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
        boolean line = a.spatial() == 1;
        int[] k = line ? new int[] {1, a.kernel()[0]} : a.kernel(), s = line ? new int[] {1, a.strides()[0]} : a.strides();
        int[] pads = line ? new int[] {0, a.begin(0), 0, a.end(0)} : a.pads();
        PoolingLayerParams.Builder p = PoolingLayerParams.newBuilder().setType(PoolingLayerParams.PoolingType.MAX)
                .addKernelSize(k[0]).addKernelSize(k[1]).addStride(s[0]).addStride(s[1])
                .setValid(NnConvLayers.padding(pads));
        String x = c.in(n, 0);
        NeuralNetworkLayer.Builder pool = NeuralNetworkLayer.newBuilder().setPooling(p);
        if (!line) {
            c.add(pool, n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
            return;
        }
        int[] in = n.input(0).shape().toArray(), out = n.output().shape().toArray();
        int[] in4 = {in[0], in[1], 1, in[2]};
        String x4 = c.auxBlob(n.name() + "_as_2d", in4);
        reshape(c, n.name() + "_as_2d", x, x4, in4);
        String y4 = c.auxBlob(n.name() + "_2d", new int[] {out[0], out[1], 1, out[2]});
        c.add(pool, n.name() + "_2d", NnLowerings.one(x4), NnLowerings.one(y4));
        reshape(c, n.name(), y4, c.out(n, 0), out);
    }

    private static void reshape(NnContext c, String name, String x, String y, int[] shape) {
        ReshapeStaticLayerParams.Builder p = ReshapeStaticLayerParams.newBuilder();
        for (int d : shape) p.addTargetShape(d);
        c.add(NeuralNetworkLayer.newBuilder().setReshapeStatic(p), name, NnLowerings.one(x), NnLowerings.one(y));
    }
}
