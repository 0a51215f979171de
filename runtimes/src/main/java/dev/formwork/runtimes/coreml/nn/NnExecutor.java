package dev.formwork.runtimes.coreml.nn;

import dev.formwork.exporters.coreml.validate.CoreMlArtifact;
import dev.formwork.exporters.coreml.validate.NnLayerVersions;
import dev.formwork.runtimes.coreml.ImageInputs;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Half;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ImageFeatureType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkImageShapeMapping;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkMultiArrayShapeMapping;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkPreprocessing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a NeuralNetwork (or NeuralNetworkClassifier) model: layers in the stored order, blobs by
 * name (NeuralNetwork.proto).
 *
 * <p>Input mapping. As the validator decides it (NeuralNetworkValidator.cpp), the network runs
 * in ND mode when it has any layer added in spec 4 or either shape mapping is not the legacy
 * one; otherwise every input is a rank-5 {@code [Seq, Batch, C, H, W]} blob: a multiarray of
 * shape [C] becomes [1,1,C,1,1] and [C,H,W] becomes [1,1,C,H,W]. Images become [1,1,C,H,W]
 * under RANK5_IMAGE_MAPPING and [1,C,H,W] under RANK4_IMAGE_MAPPING. Image inputs are given as
 * {@code [1, C, H, W]} pixel values 0..255 in RGB order (or one gray channel); a BGR model gets
 * the channels reversed, then its NeuralNetworkImageScaler applies
 * {@code y = channelScale * x + bias} per channel (or the mean image is subtracted).
 *
 * <p>Precision: float32 throughout; with {@code fp16Compute} weights and every layer output are
 * rounded to half.
 */
public final class NnExecutor {
    private final CoreMlArtifact artifact;
    private final boolean fp16Compute;
    private final List<NeuralNetworkLayer> layers;
    private final List<NeuralNetworkPreprocessing> preprocessing;
    private final boolean ndArray;
    private final NeuralNetworkImageShapeMapping imageMapping;
    private final List<String> labels;
    private final String probabilityBlob;

    public NnExecutor(CoreMlArtifact artifact, boolean fp16Compute) {
        this.artifact = artifact;
        this.fp16Compute = fp16Compute;
        Model m = artifact.model();
        NeuralNetworkMultiArrayShapeMapping arrayMapping;
        if (m.hasNeuralNetwork()) {
            var nn = m.getNeuralNetwork();
            layers = nn.getLayersList();
            preprocessing = nn.getPreprocessingList();
            arrayMapping = nn.getArrayInputShapeMapping();
            imageMapping = nn.getImageInputShapeMapping();
            labels = null;
            probabilityBlob = null;
        } else if (m.hasNeuralNetworkClassifier()) {
            var nn = m.getNeuralNetworkClassifier();
            layers = nn.getLayersList();
            preprocessing = nn.getPreprocessingList();
            arrayMapping = nn.getArrayInputShapeMapping();
            imageMapping = nn.getImageInputShapeMapping();
            labels = new ArrayList<>();
            if (nn.hasStringClassLabels()) labels.addAll(nn.getStringClassLabels().getVectorList());
            else if (nn.hasInt64ClassLabels()) for (long l : nn.getInt64ClassLabels().getVectorList()) labels.add(Long.toString(l));
            else throw new FormworkException(artifact.source() + ": classifier has no class labels");
            String p = nn.getLabelProbabilityLayerName();
            if (p.isEmpty() && !layers.isEmpty()) p = layers.get(layers.size() - 1).getOutput(0);
            probabilityBlob = p;
        } else {
            throw new FormworkException(artifact.source() + ": not a neural network model");
        }
        boolean nd = arrayMapping != NeuralNetworkMultiArrayShapeMapping.RANK5_ARRAY_MAPPING
                || imageMapping != NeuralNetworkImageShapeMapping.RANK5_IMAGE_MAPPING;
        for (NeuralNetworkLayer l : layers) {
            if (NnLayerTable.get(l.getLayerCase()) == null) {
                throw new FormworkException(artifact.source() + ": unsupported layer type " + l.getLayerCase()
                        + (l.getLayerCase() == NeuralNetworkLayer.LayerCase.LAYER_NOT_SET ? " (not in Formwork's schema)" : "")
                        + " (layer '" + l.getName() + "')");
            }
            nd |= !NnLayerVersions.isIos12Layer(l);
        }
        ndArray = nd;
    }

    /** Whether the network runs with ND blobs (true) or legacy rank-5 blobs (false). */
    public boolean ndArrayMode() {
        return ndArray;
    }

    /** Class labels in probability order for a classifier, else null. */
    public List<String> classLabels() {
        return labels;
    }

    /** Runs on inputs named as in the model description; returns every blob by name. */
    public Map<String, NdArray> run(Map<String, NdArray> inputs) {
        Map<String, NdArray> blobs = new HashMap<>();
        for (FeatureDescription d : artifact.model().getDescription().getInputList()) {
            NdArray v = inputs.get(d.getName());
            if (v == null) throw new FormworkException(artifact.source() + ": missing input '" + d.getName() + "'");
            blobs.put(d.getName(), round(mapInput(d, v)));
        }
        for (NeuralNetworkLayer l : layers) {
            NdArray[] in = new NdArray[l.getInputCount()];
            for (int k = 0; k < in.length; k++) {
                in[k] = blobs.get(l.getInput(k));
                if (in[k] == null) {
                    throw new FormworkException(artifact.source() + ": layer '" + l.getName() + "' reads blob '" + l.getInput(k)
                            + "', which no earlier layer or input produces");
                }
            }
            NnLayerContext c = new NnLayerContext(l, in, artifact.source(), fp16Compute);
            NdArray[] out;
            try {
                out = NnLayerTable.get(l.getLayerCase()).run(c);
            } catch (IllegalArgumentException | IllegalStateException | ArithmeticException | IndexOutOfBoundsException e) {
                throw c.fail(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (out.length != l.getOutputCount()) throw c.fail("computes " + out.length + " outputs but names " + l.getOutputCount());
            for (int k = 0; k < out.length; k++) blobs.put(l.getOutput(k), round(out[k]));
        }
        return blobs;
    }

    /** The probability blob of a classifier, flattened in class order. */
    public float[] probabilities(Map<String, NdArray> blobs) {
        NdArray p = blobs.get(probabilityBlob);
        if (p == null) throw new FormworkException(artifact.source() + ": probability blob '" + probabilityBlob + "' is not produced");
        if (p.size() != labels.size()) {
            throw new FormworkException(artifact.source() + ": probability blob '" + probabilityBlob + "' has " + p.size()
                    + " values for " + labels.size() + " class labels");
        }
        return p.data().clone();
    }

    private NdArray mapInput(FeatureDescription d, NdArray v) {
        FeatureType t = d.getType();
        if (t.hasImageType()) {
            ImageFeatureType img = t.getImageType();
            float[] px = ImageInputs.toModelOrder(v, img, artifact.source(), d.getName());
            int ch = v.dim(1);
            px = ImageInputs.preprocess(px, ch, img, preprocessing, d.getName(), artifact.model().getDescription().getInputList());
            int h = (int) img.getHeight(), w = (int) img.getWidth();
            return imageMapping == NeuralNetworkImageShapeMapping.RANK4_IMAGE_MAPPING
                    ? NdArray.of(new int[] {1, ch, h, w}, px) : NdArray.of(new int[] {1, 1, ch, h, w}, px);
        }
        if (!ndArray) {
            int[] s = v.shape();
            if (s.length == 1) return v.reshape(1, 1, s[0], 1, 1);
            if (s.length == 3) return v.reshape(1, 1, s[0], s[1], s[2]);
            throw new FormworkException(artifact.source() + ": legacy rank-5 input '" + d.getName() + "' must have rank 1 or 3, got " + v);
        }
        return v;
    }

    private NdArray round(NdArray a) {
        if (!fp16Compute) return a;
        float[] s = a.data(), y = new float[s.length];
        for (int k = 0; k < y.length; k++) y[k] = Half.round(s[k]);
        return NdArray.of(a.shape(), y);
    }
}
