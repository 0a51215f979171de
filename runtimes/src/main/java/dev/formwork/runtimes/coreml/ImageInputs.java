package dev.formwork.runtimes.coreml;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ImageFeatureType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkImageScaler;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkPreprocessing;
import java.nio.file.Path;
import java.util.List;

/**
 * How an image input is handed to the executor: as a {@code [1, 3, H, W]} array of 0..255 pixel
 * values in <b>RGB</b> order ({@code [1, 1, H, W]} for GRAYSCALE). Core ML presents the pixel
 * buffer in the model's color space, so a BGR model sees the channels reversed. NeuralNetwork
 * models then apply their NeuralNetworkImageScaler ({@code Y[c] = channelScale * X[c] + bias_c},
 * biases in the model's channel order: BGR blue, green, red; RGB red, green, blue; gray grayBias,
 * NeuralNetwork.proto) or subtract their mean image; ML Programs express preprocessing as ops.
 */
public final class ImageInputs {
    private ImageInputs() {}

    public static int channels(ImageFeatureType img) {
        return switch (img.getColorSpace()) {
            case GRAYSCALE, GRAYSCALE_FLOAT16 -> 1;
            case RGB, BGR -> 3;
            default -> throw new FormworkException("image color space " + img.getColorSpace() + " is not supported");
        };
    }

    /** Checks the shape and reorders RGB to the model's channel order; returns the pixels. */
    public static float[] toModelOrder(NdArray v, ImageFeatureType img, Path source, String name) {
        int ch = channels(img), h = (int) img.getHeight(), w = (int) img.getWidth();
        int[] s = v.shape();
        if (s.length != 4 || s[0] != 1 || s[1] != ch || s[2] != h || s[3] != w) {
            throw new FormworkException(source + ": image input '" + name + "' must be [1," + ch + "," + h + "," + w + "], got " + v);
        }
        float[] px = v.data().clone();
        if (img.getColorSpace() == ImageFeatureType.ColorSpace.BGR) {
            int plane = h * w;
            System.arraycopy(v.data(), 2 * plane, px, 0, plane);
            System.arraycopy(v.data(), 0, px, 2 * plane, plane);
        }
        return px;
    }

    /** Applies the NeuralNetworkPreprocessing entry for this input, if any. */
    public static float[] preprocess(float[] px, int ch, ImageFeatureType img, List<NeuralNetworkPreprocessing> pre,
                                     String name, List<FeatureDescription> inputs) {
        long images = inputs.stream().filter(d -> d.getType().hasImageType()).count();
        for (NeuralNetworkPreprocessing p : pre) {
            boolean mine = p.getFeatureName().equals(name) || (p.getFeatureName().isEmpty() && images == 1);
            if (!mine) continue;
            if (p.hasScaler()) {
                NeuralNetworkImageScaler s = p.getScaler();
                float[] bias = switch (img.getColorSpace()) {
                    case BGR -> new float[] {s.getBlueBias(), s.getGreenBias(), s.getRedBias()};
                    case RGB -> new float[] {s.getRedBias(), s.getGreenBias(), s.getBlueBias()};
                    default -> new float[] {s.getGrayBias()};
                };
                int plane = px.length / ch;
                for (int c = 0; c < ch; c++) {
                    for (int k = c * plane; k < (c + 1) * plane; k++) px[k] = s.getChannelScale() * px[k] + bias[c];
                }
            } else if (p.hasMeanImage()) {
                List<Float> mean = p.getMeanImage().getMeanImageList();
                if (mean.size() != px.length) {
                    throw new FormworkException("mean image of '" + name + "' has " + mean.size() + " values for " + px.length + " pixels");
                }
                for (int k = 0; k < px.length; k++) px[k] -= mean.get(k);
            }
        }
        return px;
    }
}
