package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReorganizeDataLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.UpsampleLayerParams;
import dev.formwork.runtimes.coreml.kernels.Bilinear;
import dev.formwork.runtimes.coreml.kernels.Blocks;
import java.util.Map;

/**
 * Spatial resampling layers (NeuralNetwork.proto). upsample: integer scalingFactor [H, W]
 * (default [1, 1]) or fractionalScalingFactor (output {@code floor(X * f)}); mode NN repeats
 * pixels, BILINEAR samples at, for input size Xin and output size Xout:
 * DEFAULT {@code i * (Xin - Xin/Xout) / (Xout - 1)}, ALIGN_CORNERS_TRUE {@code i * (Xin-1)/(Xout-1)},
 * ALIGN_CORNERS_FALSE {@code i * Xin/Xout + 0.5 * Xin/Xout - 0.5}, each clamped to [0, Xin-1].
 * reorganizeData (rank >= 3, last three axes C, H, W): SPACE_TO_DEPTH / DEPTH_TO_SPACE in
 * TF/ONNX channel order, PIXEL_SHUFFLE in PyTorch order; blockSize >= 2.
 */
final class NnResampleLayers {
    private NnResampleLayers() {}

    static void register(Map<LayerCase, NnLayer> t) {
        t.put(LayerCase.UPSAMPLE, NnResampleLayers::upsample);
        t.put(LayerCase.REORGANIZEDATA, NnResampleLayers::reorganize);
    }

    private static NdArray[] upsample(NnLayerContext c) {
        UpsampleLayerParams p = c.layer.getUpsample();
        NdArray x = c.x();
        if (x.rank() < 3) throw c.fail("input must have rank >= 3, got " + x);
        int h = x.dim(-2), w = x.dim(-1), planes = x.size() / Math.max(1, h * w);
        int oh, ow;
        int fh = 1, fw = 1;
        boolean fractional = p.getFractionalScalingFactorCount() > 0;
        if (fractional) {
            if (p.getFractionalScalingFactorCount() != 2 || p.getScalingFactorCount() > 0) throw c.fail("fractionalScalingFactor needs 2 values and no scalingFactor");
            oh = (int) Math.floor(h * (double) p.getFractionalScalingFactor(0));
            ow = (int) Math.floor(w * (double) p.getFractionalScalingFactor(1));
        } else {
            int[] f = NnPadding.pair(c, p.getScalingFactorList(), 1, "scalingFactor");
            fh = f[0];
            fw = f[1];
            oh = h * fh;
            ow = w * fw;
        }
        if (oh <= 0 || ow <= 0) throw c.fail("empty output");
        float[] y;
        if (p.getMode() == UpsampleLayerParams.InterpolationMode.NN) {
            if (fractional) throw c.fail("nearest-neighbour upsampling needs integer scalingFactor");
            y = Bilinear.nearest(x.data(), planes, h, w, fh, fw);
        } else {
            y = Bilinear.resample(x.data(), planes, h, w, grid(c, p.getLinearUpsampleMode(), h, oh), grid(c, p.getLinearUpsampleMode(), w, ow));
        }
        int[] shape = x.shape();
        shape[shape.length - 2] = oh;
        shape[shape.length - 1] = ow;
        return new NdArray[] {NdArray.of(shape, y)};
    }

    static double[] grid(NnLayerContext c, UpsampleLayerParams.LinearUpsampleMode mode, int in, int out) {
        double last = out == 1 ? 0 : 1.0 / (out - 1);
        return switch (mode) {
            case DEFAULT -> Bilinear.grid(out, in, (in - in / (double) out) * last, 0);
            case ALIGN_CORNERS_TRUE -> Bilinear.grid(out, in, (in - 1) * last, 0);
            case ALIGN_CORNERS_FALSE -> {
                double s = in / (double) out;
                yield Bilinear.grid(out, in, s, 0.5 * s - 0.5);
            }
            default -> throw c.fail("unknown linearUpsampleMode " + mode);
        };
    }

    private static NdArray[] reorganize(NnLayerContext c) {
        ReorganizeDataLayerParams p = c.layer.getReorganizeData();
        NdArray x = c.x();
        if (x.rank() < 3) throw c.fail("input must have rank >= 3, got " + x);
        int bs = Math.toIntExact(p.getBlockSize());
        if (bs < 2) throw c.fail("blockSize must be >= 2, got " + bs);
        int ch = x.dim(-3), h = x.dim(-2), w = x.dim(-1), batch = x.size() / Math.max(1, ch * h * w);
        int[] shape = x.shape();
        int r = shape.length;
        float[] y;
        if (p.getMode() == ReorganizeDataLayerParams.ReorganizationType.SPACE_TO_DEPTH) {
            if (h % bs != 0 || w % bs != 0) throw c.fail("H and W of " + x + " must be divisible by " + bs);
            y = Blocks.spaceToDepth(x.data(), batch, ch, h, w, bs, false);
            shape[r - 3] = ch * bs * bs;
            shape[r - 2] = h / bs;
            shape[r - 1] = w / bs;
        } else {
            if (ch % (bs * bs) != 0) throw c.fail("C of " + x + " must be divisible by " + bs * bs);
            boolean torch = p.getMode() == ReorganizeDataLayerParams.ReorganizationType.PIXEL_SHUFFLE;
            if (!torch && p.getMode() != ReorganizeDataLayerParams.ReorganizationType.DEPTH_TO_SPACE) throw c.fail("unknown mode " + p.getMode());
            y = Blocks.depthToSpace(x.data(), batch, ch, h, w, bs, torch);
            shape[r - 3] = ch / (bs * bs);
            shape[r - 2] = h * bs;
            shape[r - 1] = w * bs;
        }
        return new NdArray[] {NdArray.of(shape, y)};
    }
}
