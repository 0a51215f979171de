package dev.formwork.exporters.coreml.validate;

import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ConvolutionLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.UpsampleLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;
import java.util.List;
import java.util.Map;

/**
 * Per-layer NeuralNetwork rules, from apple/coremltools
 * {@code Validation/NeuralNetwork/NeuralNetworkLayerValidator.cpp} and
 * {@code NeuralNetworkValidatorUtils.hpp}: input/output counts; convolution and pooling padding
 * set; exact weight counts (conv {@code Cout*kernelChannels*kH*kW}, bias Cout; innerProduct
 * {@code Cin*Cout}; batchnorm 4 x channels; batchedMatmul {@code X1*X2}; loadConstantND
 * {@code prod(shape)}, 1..5 dims); fp16 and fp32 not mixed in one layer; layerNormalization
 * gamma/beta present, unquantized, fp32 {@code floatValue} with {@code prod(normalizedShape)}
 * values; reorganizeData blockSize >= 2; transpose axes and reshapeStatic targetShape
 * non-empty; softmaxND / concatND / splitND / reduceMean / reduceSum / reduceMax axes in
 * {@code [-rank, rank)} where the rank is known; pooling rank >= 4 under ND interpretation;
 * splitND split count = outputs; sliceStatic parameters present; upsample scaling-factor rules;
 * batchedMatmul bias only with one input.
 */
final class NnLayerRules {
    private NnLayerRules() {}

    enum WType { EMPTY, FP32, FP16, QUANT, MIXED }

    static WType type(WeightParams w) {
        boolean f = w.getFloatValueCount() > 0, h = !w.getFloat16Value().isEmpty(), q = !w.getRawValue().isEmpty() || !w.getInt8RawValue().isEmpty();
        int n = (f ? 1 : 0) + (h ? 1 : 0) + (q ? 1 : 0);
        if (n > 1) return WType.MIXED;
        return f ? WType.FP32 : h ? WType.FP16 : q ? WType.QUANT : WType.EMPTY;
    }

    static long count(WeightParams w) {
        return w.getFloatValueCount() > 0 ? w.getFloatValueCount() : w.getFloat16Value().size() / 2;
    }

    static boolean usesFp16(NeuralNetworkLayer l) {
        return switch (l.getLayerCase()) {
            case CONVOLUTION -> type(l.getConvolution().getWeights()) == WType.FP16 || type(l.getConvolution().getBias()) == WType.FP16;
            case INNERPRODUCT -> type(l.getInnerProduct().getWeights()) == WType.FP16 || type(l.getInnerProduct().getBias()) == WType.FP16;
            case BATCHNORM -> type(l.getBatchnorm().getGamma()) == WType.FP16 || type(l.getBatchnorm().getMean()) == WType.FP16;
            default -> false;
        };
    }

    private static void weights(String who, String what, WeightParams w, long expect, List<String> out) {
        WType t = type(w);
        switch (t) {
            case EMPTY -> out.add(who + ": " + what + " is empty (expected " + expect + " values)");
            case MIXED -> out.add(who + ": " + what + " sets more than one of floatValue, float16Value, rawValue");
            case QUANT -> { }
            default -> { if (count(w) != expect) out.add(who + ": " + what + " has " + count(w) + " values, expected " + expect); }
        }
    }

    private static void same(String who, List<String> out, WeightParams... ws) {
        boolean f32 = false, f16 = false;
        for (WeightParams w : ws) {
            f32 |= type(w) == WType.FP32;
            f16 |= type(w) == WType.FP16;
        }
        if (f32 && f16) out.add(who + ": mixes float16 and float32 parameters");
    }

    private static void count(NeuralNetworkLayer l, String who, int min, int max, List<String> out) {
        int n = l.getInputCount(), o = l.getOutputCount();
        if (n < min || (max >= 0 && n > max)) out.add(who + ": has " + n + " inputs, expects " + (min == max ? "" + min : min + ".." + (max < 0 ? "n" : max)));
        if (o < 1) out.add(who + ": has no output");
    }

    private static void axis(String who, String what, long axis, Integer rank, List<String> out) {
        if (rank != null && (axis < -rank || axis >= rank)) out.add(who + ": " + what + " " + axis + " is outside [-" + rank + ", " + rank + ")");
    }

    static void check(NeuralNetworkLayer l, String who, boolean nd, Map<String, Integer> ranks, List<String> out) {
        Integer rank = l.getInputCount() > 0 ? ranks.get(l.getInput(0)) : null;
        if (l.getInputTensorCount() > 0) rank = l.getInputTensor(0).getRank();
        switch (l.getLayerCase()) {
            case CONVOLUTION -> {
                count(l, who, 1, 2, out);
                ConvolutionLayerParams p = l.getConvolution();
                if (!nd && l.getInputCount() != 1) out.add(who + ": weights as a second input need EXACT_ARRAY_MAPPING");
                if (p.getConvolutionPaddingTypeCase() == ConvolutionLayerParams.ConvolutionPaddingTypeCase.CONVOLUTIONPADDINGTYPE_NOT_SET) {
                    out.add(who + ": padding type (valid or same) is not set");
                }
                if (p.hasValid() && p.getValid().hasPaddingAmounts()) borders(who, p.getValid().getPaddingAmounts().getBorderAmountsCount(), out);
                if (l.getInputCount() > 1) break;
                long g = p.getNGroups() == 0 ? 1 : p.getNGroups();
                long kh = p.getKernelSizeCount() > 0 ? p.getKernelSize(0) : 3, kw = p.getKernelSizeCount() > 1 ? p.getKernelSize(1) : 3;
                long expect = p.getIsDeconvolution() ? p.getKernelChannels() * (p.getOutputChannels() / g) * kh * kw
                        : p.getOutputChannels() * p.getKernelChannels() * kh * kw;
                weights(who, "weights", p.getWeights(), expect, out);
                if (p.getHasBias()) {
                    weights(who, "bias", p.getBias(), p.getOutputChannels(), out);
                    same(who, out, p.getWeights(), p.getBias());
                }
                if (p.getOutputChannels() % g != 0) out.add(who + ": outputChannels " + p.getOutputChannels() + " not divisible by nGroups " + g);
            }
            case POOLING -> {
                count(l, who, 1, 1, out);
                var p = l.getPooling();
                if (p.getPoolingPaddingTypeCase() == dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.PoolingLayerParams.PoolingPaddingTypeCase.POOLINGPADDINGTYPE_NOT_SET) {
                    out.add(who + ": padding type (valid, same or includeLastPixel) is not set");
                }
                if (p.hasValid() && p.getValid().hasPaddingAmounts()) borders(who, p.getValid().getPaddingAmounts().getBorderAmountsCount(), out);
                if (nd && rank != null && rank < 4) out.add(who + ": pooling needs rank >= 4, input has " + rank);
            }
            case INNERPRODUCT -> {
                count(l, who, 1, 1, out);
                var p = l.getInnerProduct();
                weights(who, "weights", p.getWeights(), p.getInputChannels() * p.getOutputChannels(), out);
                if (p.getHasBias()) {
                    weights(who, "bias", p.getBias(), p.getOutputChannels(), out);
                    same(who, out, p.getWeights(), p.getBias());
                }
            }
            case BATCHNORM -> {
                count(l, who, 1, 1, out);
                var p = l.getBatchnorm();
                weights(who, "gamma", p.getGamma(), p.getChannels(), out);
                weights(who, "beta", p.getBeta(), p.getChannels(), out);
                if (!p.getComputeMeanVar()) {
                    weights(who, "mean", p.getMean(), p.getChannels(), out);
                    weights(who, "variance", p.getVariance(), p.getChannels(), out);
                }
                same(who, out, p.getGamma(), p.getBeta(), p.getMean(), p.getVariance());
                if (rank != null && rank < 3) out.add(who + ": batchnorm needs rank >= 3, input has " + rank);
            }
            case LAYERNORMALIZATION -> {
                count(l, who, 1, 1, out);
                var p = l.getLayerNormalization();
                long n = 1;
                for (long d : p.getNormalizedShapeList()) n *= d;
                if (p.getNormalizedShapeCount() == 0) out.add(who + ": normalizedShape is required");
                if (!p.hasGamma() || !p.hasBeta()) out.add(who + ": gamma and beta are required");
                for (String which : new String[] {"gamma", "beta"}) {
                    WeightParams w = which.equals("gamma") ? p.getGamma() : p.getBeta();
                    if (type(w) == WType.QUANT) out.add(who + ": " + which + " must not be quantized");
                    if (w.getFloatValueCount() != n) {
                        out.add(who + ": " + which + " must hold " + n + " fp32 floatValue entries (prod(normalizedShape)), has "
                                + w.getFloatValueCount() + (w.getFloat16Value().isEmpty() ? "" : " (float16Value is not accepted)"));
                    }
                }
            }
            case REORGANIZEDATA -> {
                count(l, who, 1, 1, out);
                if (l.getReorganizeData().getBlockSize() < 2) out.add(who + ": blockSize must be >= 2, is " + l.getReorganizeData().getBlockSize());
                if (rank != null && rank < 3) out.add(who + ": needs rank >= 3");
            }
            case TRANSPOSE -> {
                count(l, who, 1, 1, out);
                var axes = l.getTranspose().getAxesList();
                if (axes.isEmpty()) out.add(who + ": axes are required");
                else if (rank != null && axes.size() != rank) out.add(who + ": axes " + axes + " do not cover rank " + rank);
            }
            case RESHAPESTATIC -> {
                count(l, who, 1, 1, out);
                if (l.getReshapeStatic().getTargetShapeCount() == 0) out.add(who + ": targetShape is required");
                if (l.getReshapeStatic().getTargetShapeCount() > 5) out.add(who + ": targetShape has rank > 5");
            }
            case SOFTMAXND -> { count(l, who, 1, 1, out); axis(who, "axis", l.getSoftmaxND().getAxis(), rank, out); }
            case CONCATND -> { count(l, who, 2, -1, out); axis(who, "axis", l.getConcatND().getAxis(), rank, out); }
            case SPLITND -> {
                count(l, who, 1, 1, out);
                var p = l.getSplitND();
                long n = p.getSplitSizesCount() > 0 ? p.getSplitSizesCount() : p.getNumSplits();
                if (n == 0) out.add(who + ": one of splitSizes or numSplits is required");
                else if (n != l.getOutputCount()) out.add(who + ": " + n + " splits but " + l.getOutputCount() + " outputs");
                axis(who, "axis", p.getAxis(), rank, out);
            }
            case REDUCEMEAN -> reduction(l, who, l.getReduceMean().getAxesList(), l.getReduceMean().getReduceAll(), rank, out);
            case REDUCESUM -> reduction(l, who, l.getReduceSum().getAxesList(), l.getReduceSum().getReduceAll(), rank, out);
            case REDUCEMAX -> reduction(l, who, l.getReduceMax().getAxesList(), l.getReduceMax().getReduceAll(), rank, out);
            case SLICESTATIC -> {
                count(l, who, 1, 1, out);
                var p = l.getSliceStatic();
                if (p.getBeginIdsCount() == 0 || p.getEndIdsCount() == 0 || p.getStridesCount() == 0 || p.getBeginMasksCount() == 0 || p.getEndMasksCount() == 0) {
                    out.add(who + ": beginIds, endIds, strides, beginMasks and endMasks are all required");
                }
            }
            case LOADCONSTANTND -> {
                count(l, who, 0, 0, out);
                var p = l.getLoadConstantND();
                if (p.getShapeCount() < 1 || p.getShapeCount() > 5) out.add(who + ": shape must have 1..5 dims, has " + p.getShapeCount());
                long n = 1;
                for (long d : p.getShapeList()) n *= d;
                weights(who, "data", p.getData(), n, out);
            }
            case BATCHEDMATMUL -> {
                count(l, who, 1, 2, out);
                var p = l.getBatchedMatmul();
                if (l.getInputCount() > 1 && p.getHasBias()) out.add(who + ": hasBias is only supported with one input");
                if (l.getInputCount() == 1) {
                    weights(who, "weights", p.getWeights(), p.getWeightMatrixFirstDimension() * p.getWeightMatrixSecondDimension(), out);
                    if (p.getHasBias()) weights(who, "bias", p.getBias(), p.getWeightMatrixSecondDimension(), out);
                }
            }
            case UPSAMPLE -> {
                count(l, who, 1, 1, out);
                var p = l.getUpsample();
                int sf = p.getScalingFactorCount(), ff = p.getFractionalScalingFactorCount();
                boolean ok = sf == 0 ? (ff == 0 || ff == 2) : (ff == 0 && sf == 2);
                if (!ok) out.add(who + ": scalingFactor / fractionalScalingFactor must be exclusive and have 2 values");
                if (ff == 2 && (p.getMode() == UpsampleLayerParams.InterpolationMode.NN || p.getLinearUpsampleMode() == UpsampleLayerParams.LinearUpsampleMode.DEFAULT)) {
                    out.add(who + ": fractional upsampling needs BILINEAR with ALIGN_CORNERS_TRUE or ALIGN_CORNERS_FALSE");
                }
                if (p.getMode() == UpsampleLayerParams.InterpolationMode.NN && p.getLinearUpsampleMode() != UpsampleLayerParams.LinearUpsampleMode.DEFAULT) {
                    out.add(who + ": nearest-neighbour upsampling with a linearUpsampleMode other than DEFAULT");
                }
            }
            case ADDBROADCASTABLE, SUBTRACTBROADCASTABLE, MULTIPLYBROADCASTABLE, DIVIDEBROADCASTABLE -> count(l, who, 2, 2, out);
            case ADD, MULTIPLY -> count(l, who, 1, -1, out);
            case LAYER_NOT_SET -> { }
            default -> count(l, who, 1, 1, out);
        }
    }

    private static void reduction(NeuralNetworkLayer l, String who, List<Long> axes, boolean all, Integer rank, List<String> out) {
        count(l, who, 1, 1, out);
        for (long a : axes) axis(who, "axis", a, rank, out);
        if (!all && axes.isEmpty()) out.add(who + ": axes are required unless reduceAll");
    }

    private static void borders(String who, int n, List<String> out) {
        if (n != 0 && n != 2) out.add(who + ": paddingAmounts.borderAmounts must have 2 entries [H, W], has " + n);
    }
}
