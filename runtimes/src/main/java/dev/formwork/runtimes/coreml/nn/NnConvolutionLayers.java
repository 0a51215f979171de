package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.kernels.Conv2d;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ConvolutionLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.PoolingLayerParams;
import dev.formwork.runtimes.coreml.kernels.Pool2d;
import java.util.Map;

/**
 * Convolution and pooling layers (NeuralNetwork.proto ConvolutionLayerParams, PoolingLayerParams).
 * Inputs have rank >= 4; all axes before the last three are batch. Convolution weights are
 * {@code [outputChannels, kernelChannels, kH, kW]} with {@code kernelChannels = Cin / nGroups}
 * (nGroups 0 means 1), kernelSize defaults to [3, 3], stride and dilationFactor to [1, 1]; a
 * second input, when present, is the weight blob. Pooling: MAX or AVERAGE; globalPooling pools
 * the whole plane; includeLastPixel uses {@code ceil((H + 2p - k)/s) + 1}, less one when padded
 * and the last window would start at or past {@code H + p}.
 */
final class NnConvolutionLayers {
    private NnConvolutionLayers() {}

    static void register(Map<LayerCase, NnLayer> t) {
        t.put(LayerCase.CONVOLUTION, NnConvolutionLayers::convolution);
        t.put(LayerCase.POOLING, NnConvolutionLayers::pooling);
    }

    private static NdArray[] convolution(NnLayerContext c) {
        ConvolutionLayerParams p = c.layer.getConvolution();
        if (p.getIsDeconvolution()) throw c.fail("deconvolution is not supported");
        NdArray x = c.x();
        int r = x.rank();
        if (r < 4) throw c.fail("input must have rank >= 4, got " + x);
        int cin = x.dim(-3), h = x.dim(-2), w = x.dim(-1), batch = x.size() / Math.max(1, cin * h * w);
        int groups = p.getNGroups() == 0 ? 1 : Math.toIntExact(p.getNGroups());
        int cout = Math.toIntExact(p.getOutputChannels()), kc = Math.toIntExact(p.getKernelChannels());
        int[] k = NnPadding.pair(c, p.getKernelSizeList(), 3, "kernelSize");
        int[] s = NnPadding.pair(c, p.getStrideList(), 1, "stride");
        int[] d = NnPadding.pair(c, p.getDilationFactorList(), 1, "dilationFactor");
        if (kc * groups != cin) throw c.fail("kernelChannels " + kc + " x nGroups " + groups + " != input channels " + cin);
        if (cout % groups != 0) throw c.fail("outputChannels " + cout + " not divisible by nGroups " + groups);
        float[] weight;
        if (c.in.length > 1) {
            weight = c.in[1].data();
            if (weight.length != (long) cout * kc * k[0] * k[1]) throw c.fail("weight input " + c.in[1] + " does not match " + cout + "x" + kc + "x" + k[0] + "x" + k[1]);
        } else {
            weight = c.weights(p.getWeights(), (long) cout * kc * k[0] * k[1], "weights");
        }
        float[] bias = p.getHasBias() ? c.weights(p.getBias(), cout, "bias") : null;
        int[] pad = switch (p.getConvolutionPaddingTypeCase()) {
            case VALID -> NnPadding.valid(c, p.getValid());
            case SAME -> NnPadding.same(p.getSame(), h, w, (k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1, s[0], s[1]);
            default -> throw c.fail("no padding type (valid or same) is set");
        };
        // The shared kernel takes pads as (top, left, bottom, right).
        Conv2d.Geometry g = new Conv2d.Geometry(batch, cin, h, w, cout, k[0], k[1], s[0], s[1],
                pad[0], pad[2], pad[1], pad[3], d[0], d[1], groups);
        if (g.oh() <= 0 || g.ow() <= 0) throw c.fail("kernel larger than the padded input " + x);
        int[] shape = x.shape();
        shape[r - 3] = cout;
        shape[r - 2] = g.oh();
        shape[r - 1] = g.ow();
        return new NdArray[] {NdArray.of(shape, Conv2d.run(g, x.data(), weight, bias))};
    }

    private static NdArray[] pooling(NnLayerContext c) {
        PoolingLayerParams p = c.layer.getPooling();
        NdArray x = c.x();
        int r = x.rank();
        if (r < 4) throw c.fail("input must have rank >= 4, got " + x);
        int h = x.dim(-2), w = x.dim(-1), planes = x.size() / Math.max(1, h * w);
        int[] k = NnPadding.pair(c, p.getKernelSizeList(), 3, "kernelSize");
        int[] s = NnPadding.pair(c, p.getStrideList(), 1, "stride");
        int[] pad;
        int oh, ow;
        if (p.getGlobalPooling()) {
            k = new int[] {h, w};
            s = new int[] {1, 1};
            pad = new int[4];
            oh = 1;
            ow = 1;
        } else {
            switch (p.getPoolingPaddingTypeCase()) {
                case VALID -> pad = NnPadding.valid(c, p.getValid());
                case SAME -> pad = NnPadding.same(p.getSame(), h, w, k[0], k[1], s[0], s[1]);
                case INCLUDELASTPIXEL -> {
                    int[] a = NnPadding.pair(c, p.getIncludeLastPixel().getPaddingAmountsList(), 0, "includeLastPixel.paddingAmounts");
                    pad = new int[] {a[0], a[0], a[1], a[1]};
                }
                default -> throw c.fail("no padding type (valid, same or includeLastPixel) is set");
            }
            if (p.getPoolingPaddingTypeCase() == PoolingLayerParams.PoolingPaddingTypeCase.INCLUDELASTPIXEL) {
                oh = lastPixelOut(h, k[0], s[0], pad[0]);
                ow = lastPixelOut(w, k[1], s[1], pad[2]);
            } else {
                oh = Pool2d.outSize(h, k[0], s[0], pad[0], pad[1], false);
                ow = Pool2d.outSize(w, k[1], s[1], pad[2], pad[3], false);
            }
        }
        if (oh <= 0 || ow <= 0) throw c.fail("kernel larger than the padded input " + x);
        Pool2d.Geometry g = new Pool2d.Geometry(h, w, k[0], k[1], s[0], s[1], pad[0], pad[1], pad[2], pad[3], oh, ow);
        float[] y = switch (p.getType()) {
            case MAX -> Pool2d.max(x.data(), planes, g);
            case AVERAGE -> Pool2d.average(x.data(), planes, g, p.getAvgPoolExcludePadding());
            default -> throw c.fail("pooling type " + p.getType() + " is not supported");
        };
        int[] shape = x.shape();
        shape[r - 2] = oh;
        shape[r - 1] = ow;
        return new NdArray[] {NdArray.of(shape, y)};
    }

    static int lastPixelOut(int in, int k, int s, int p) {
        int out = (int) Math.ceil((in + 2.0 * p - k) / s) + 1;
        if (p > 0 && (out - 1) * s >= in + p) out--;
        return out;
    }
}
