package dev.formwork.exporters.coreml.validate;

import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ReorganizeDataLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.UpsampleLayerParams;

/**
 * Which specification version a NeuralNetwork layer needs, from apple/coremltools
 * {@code mlmodel/src/Utils.cpp} ({@code isIOS12NeuralNetworkLayer}, {@code hasIOS14NeuralNetworkFeatures}):
 * the iOS 12 layer set runs at spec 1..3 (with fp16 weights needing spec 2); any other layer needs
 * spec 4 (and turns on ND-array interpretation); spec 5 adds PIXEL_SHUFFLE, the ALIGN_CORNERS_*
 * upsample modes, fractional upsample factors and concatND interleave.
 */
public final class NnLayerVersions {
    private NnLayerVersions() {}

    /** Whether the layer is in the iOS 12 set (so it does not force ND interpretation). */
    public static boolean isIos12Layer(NeuralNetworkLayer l) {
        return switch (l.getLayerCase()) {
            case CONVOLUTION -> l.getInputCount() == 1;
            case UPSAMPLE -> l.getUpsample().getLinearUpsampleMode() == UpsampleLayerParams.LinearUpsampleMode.DEFAULT
                    && l.getUpsample().getFractionalScalingFactorCount() == 0;
            case REORGANIZEDATA -> l.getReorganizeData().getMode() != ReorganizeDataLayerParams.ReorganizationType.PIXEL_SHUFFLE;
            // Layers outside Formwork's schema parse as LAYER_NOT_SET: their version cannot be told, so demand nothing.
            case INNERPRODUCT, BATCHNORM, ACTIVATION, POOLING, SOFTMAX, ADD, MULTIPLY, UNARY, FLATTEN, LAYER_NOT_SET -> true;
            default -> false;
        };
    }

    /** The lowest specification version that has this layer in this form. */
    public static int minimumSpec(NeuralNetworkLayer l) {
        boolean spec5 = switch (l.getLayerCase()) {
            case UPSAMPLE -> l.getUpsample().getLinearUpsampleMode() != UpsampleLayerParams.LinearUpsampleMode.DEFAULT
                    || l.getUpsample().getFractionalScalingFactorCount() > 0;
            case REORGANIZEDATA -> l.getReorganizeData().getMode() == ReorganizeDataLayerParams.ReorganizationType.PIXEL_SHUFFLE;
            case CONCATND -> l.getConcatND().getInterleave();
            default -> false;
        };
        if (spec5) return 5;
        return isIos12Layer(l) ? 1 : 4;
    }
}
