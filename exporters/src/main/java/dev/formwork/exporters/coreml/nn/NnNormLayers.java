package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.AddBroadcastableLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.BatchnormLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.LayerNormalizationLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.MultiplyBroadcastableLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * LayerNorm -> {@code layerNormalization} over the trailing dims (gamma/beta always fp32, as the
 * validator requires). BatchNorm -> {@code batchnorm}, which normalises axis -3: that is the
 * channel axis only for rank 4, so other ranks get multiplyBroadcastable + addBroadcastable
 * with the statistics folded (in double) into a per-channel scale and shift.
 */
final class NnNormLayers {
    private NnNormLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("LayerNorm", NnLowering.of(NnNormLayers::layerNorm, (n, s) -> {
            for (int i = 1; i < 3; i++) if (!n.input(i).isConstant()) throw NnContext.refuse(n, "layerNormalization gamma/beta must be constants");
        }));
        t.put("BatchNorm", NnLowering.of(NnNormLayers::batchNorm, (n, s) -> {
            NnLowerings.nchwOnly(n);
            for (int i = 1; i < 5; i++) if (!n.input(i).isConstant()) throw NnContext.refuse(n, "batchnorm statistics must be constants");
        }));
    }

    static void layerNorm(Node n, NnContext c) {
        Shape x = n.input(0).shape();
        int axis = x.axis((int) n.i("axis"));
        LayerNormalizationLayerParams.Builder p = LayerNormalizationLayerParams.newBuilder().setEps(n.f("epsilon"))
                .setGamma(c.fp32Weights(n.input(1).constant())).setBeta(c.fp32Weights(n.input(2).constant()));
        for (int i = axis; i < x.rank(); i++) p.addNormalizedShape(x.dim(i));
        String in = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setLayerNormalization(p), n.name(), NnLowerings.one(in), NnLowerings.one(c.out(n, 0)));
    }

    static void batchNorm(Node n, NnContext c) {
        int[] x = n.input(0).shape().toArray();
        int ch = x[1];
        if (x.length == 4) {
            BatchnormLayerParams.Builder p = BatchnormLayerParams.newBuilder().setChannels(ch).setEpsilon(n.f("epsilon"))
                    .setGamma(c.weights(n.input(1).constant())).setBeta(c.weights(n.input(2).constant()))
                    .setMean(c.weights(n.input(3).constant())).setVariance(c.weights(n.input(4).constant()));
            String in = c.in(n, 0);
            c.add(NeuralNetworkLayer.newBuilder().setBatchnorm(p), n.name(), NnLowerings.one(in), NnLowerings.one(c.out(n, 0)));
            return;
        }
        float[] g = n.input(1).constant().toFloatArray(), b = n.input(2).constant().toFloatArray();
        float[] m = n.input(3).constant().toFloatArray(), v = n.input(4).constant().toFloatArray();
        float[] scale = new float[ch], shift = new float[ch];
        for (int i = 0; i < ch; i++) {
            double s = g[i] / Math.sqrt(v[i] + n.d("epsilon"));
            scale[i] = (float) s;
            shift[i] = (float) (b[i] - m[i] * s);
        }
        int[] cs = new int[x.length - 1];
        Arrays.fill(cs, 1);
        cs[0] = ch;
        String in = c.in(n, 0);
        String sc = c.constant(n.name() + "_scale", Tensor.ofFloats(Shape.of(cs), scale), cs);
        String sh = c.constant(n.name() + "_shift", Tensor.ofFloats(Shape.of(cs), shift), cs);
        String mid = c.auxBlob(n.name() + "_scaled", x);
        c.add(NeuralNetworkLayer.newBuilder().setMultiplyBroadcastable(MultiplyBroadcastableLayerParams.getDefaultInstance()),
                n.name() + "_scale", List.of(in, sc), NnLowerings.one(mid));
        c.add(NeuralNetworkLayer.newBuilder().setAddBroadcastable(AddBroadcastableLayerParams.getDefaultInstance()),
                n.name(), List.of(mid, sh), NnLowerings.one(c.out(n, 0)));
    }
}
