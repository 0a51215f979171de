package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.BatchnormLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.LayerNormalizationLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import dev.formwork.runtimes.coreml.kernels.Reduce;
import java.util.Map;

/**
 * Normalisation layers (NeuralNetwork.proto): batchnorm over axis -3 (rank >= 3, epsilon 0 means
 * 1e-5; stored mean/variance only); layerNormalization over the trailing {@code normalizedShape}
 * dims with gamma/beta of that shape; softmax over axis -3 (the legacy channel axis) and
 * softmaxND over {@code axis}.
 */
final class NnNormLayers {
    private NnNormLayers() {}

    static void register(Map<LayerCase, NnLayer> t) {
        t.put(LayerCase.BATCHNORM, NnNormLayers::batchnorm);
        t.put(LayerCase.LAYERNORMALIZATION, NnNormLayers::layerNorm);
        t.put(LayerCase.SOFTMAX, c -> {
            NdArray x = c.x();
            if (x.rank() < 3) throw c.fail("input must have rank >= 3, got " + x);
            return new NdArray[] {NdArray.of(x.shape(), Reduce.softmax(x.data(), x.shape(), x.rank() - 3))};
        });
        t.put(LayerCase.SOFTMAXND, c -> {
            NdArray x = c.x();
            int axis = c.axis(c.layer.getSoftmaxND().getAxis(), x.rank());
            return new NdArray[] {NdArray.of(x.shape(), Reduce.softmax(x.data(), x.shape(), axis))};
        });
    }

    private static NdArray[] batchnorm(NnLayerContext c) {
        BatchnormLayerParams p = c.layer.getBatchnorm();
        if (p.getComputeMeanVar()) throw c.fail("computeMeanVar is not supported");
        NdArray x = c.x();
        if (x.rank() < 3) throw c.fail("input must have rank >= 3, got " + x);
        int ch = x.dim(-3);
        if (p.getChannels() != ch) throw c.fail("channels " + p.getChannels() + " but the input has " + ch + " on axis -3");
        float[] g = c.weights(p.getGamma(), ch, "gamma"), b = c.weights(p.getBeta(), ch, "beta");
        float[] m = c.weights(p.getMean(), ch, "mean"), v = c.weights(p.getVariance(), ch, "variance");
        double eps = p.getEpsilon() == 0 ? 1e-5 : p.getEpsilon();
        float[] scale = new float[ch], shift = new float[ch];
        for (int k = 0; k < ch; k++) {
            scale[k] = (float) (g[k] / Math.sqrt(v[k] + eps));
            shift[k] = b[k] - m[k] * scale[k];
        }
        int inner = x.dim(-2) * x.dim(-1);
        int outer = x.size() / Math.max(1, ch * inner);
        return new NdArray[] {NdArray.of(x.shape(), Reduce.channelAffine(x.data(), outer, ch, inner, scale, shift))};
    }

    private static NdArray[] layerNorm(NnLayerContext c) {
        LayerNormalizationLayerParams p = c.layer.getLayerNormalization();
        NdArray x = c.x();
        int k = p.getNormalizedShapeCount();
        if (k == 0 || k > x.rank()) throw c.fail("normalizedShape must have 1..rank entries");
        int count = 1;
        for (int j = 0; j < k; j++) {
            if (p.getNormalizedShape(j) != x.dim(x.rank() - k + j)) {
                throw c.fail("normalizedShape " + p.getNormalizedShapeList() + " does not match the trailing dims of " + x);
            }
            count *= x.dim(x.rank() - k + j);
        }
        float[] g = c.weights(p.getGamma(), count, "gamma"), b = c.weights(p.getBeta(), count, "beta");
        return new NdArray[] {NdArray.of(x.shape(), Reduce.layerNormTrailing(x.data(), count, g, b, p.getEps()))};
    }
}
