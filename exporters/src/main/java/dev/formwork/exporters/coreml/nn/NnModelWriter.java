package dev.formwork.exporters.coreml.nn;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.coreml.CoreMlDescriptions;
import dev.formwork.exporters.coreml.CoreMlSettings;
import dev.formwork.exporters.coreml.ImageInput;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import dev.formwork.proto.coreml.CoreMlDataStructuresProto.StringVector;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlModelProto.ModelDescription;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetwork;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkClassifier;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkImageScaler;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkImageShapeMapping;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkMultiArrayShapeMapping;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkPreprocessing;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.SoftmaxNDLayerParams;
import java.util.ArrayList;
import java.util.List;

/**
 * Lowers a prepared graph to a Core ML NeuralNetwork (or NeuralNetworkClassifier) model with
 * EXACT_ARRAY_MAPPING, so every blob keeps its IR rank.
 *
 * <p>Specification version: the ND layers used here are spec 4 (iOS 13); a half-pixel bilinear
 * upsample needs spec 5 (iOS 14). --min-ios 13 gives 4 (and refuses spec-5 layers), 14
 * gives 5, later targets get the lowest version that covers the layers.
 */
public final class NnModelWriter {
    /** The model with weight placeholders, and the weights they stand for. */
    public record Written(Model model, NnWeights weights) {}

    private NnModelWriter() {}

    public static Written write(Graph g, CoreMlSettings s, ExportOptions options, Graph source) {
        NnContext c = new NnContext(s);
        List<String> outNames = new ArrayList<>();
        ModelDescription.Builder d = ModelDescription.newBuilder();
        for (Value in : g.inputs()) {
            String name = c.blobNames().unique(in.name());
            c.bind(in, name);
            d.addInput(s.image() ? CoreMlDescriptions.image(name, in.shape()) : CoreMlDescriptions.array(name, in.shape()));
        }
        boolean classifier = s.labels() != null;
        if (classifier) {
            c.blobNames().claim(CoreMlDescriptions.CLASS_LABEL);
            c.blobNames().claim(CoreMlDescriptions.CLASS_PROBS);
        } else {
            for (Value out : g.outputs()) {
                String name = c.blobNames().unique(out.name());
                outNames.add(name);
                c.reserve(out, name);
            }
        }
        for (Node n : g.nodes()) NnLowerings.forNode(n).lower(n, c);
        if (classifier) {
            Value logits = g.output(0);
            c.declare(CoreMlDescriptions.CLASS_PROBS, logits.shape().toArray());
            c.add(NeuralNetworkLayer.newBuilder().setSoftmaxND(SoftmaxNDLayerParams.newBuilder().setAxis(-1)), CoreMlDescriptions.CLASS_PROBS,
                    List.of(c.blobOf(logits)), List.of(CoreMlDescriptions.CLASS_PROBS));
            d.addOutput(CoreMlDescriptions.classProbabilities()).addOutput(CoreMlDescriptions.classLabel());
            d.setPredictedFeatureName(CoreMlDescriptions.CLASS_LABEL).setPredictedProbabilitiesName(CoreMlDescriptions.CLASS_PROBS);
        } else {
            for (int i = 0; i < g.outputs().size(); i++) {
                Value v = g.output(i);
                String have = c.blobOf(v);
                if (!have.equals(outNames.get(i))) {
                    c.add(NeuralNetworkLayer.newBuilder().setActivation(NnShapeLayers.copy()), outNames.get(i), List.of(have), List.of(outNames.get(i)));
                }
                d.addOutput(CoreMlDescriptions.array(outNames.get(i), v.shape()));
            }
        }
        d.setMetadata(CoreMlDescriptions.metadata(options, source));
        List<NeuralNetworkPreprocessing> pre = new ArrayList<>();
        if (s.image()) {
            float[] b = ImageInput.bias(s);
            pre.add(NeuralNetworkPreprocessing.newBuilder().setFeatureName(d.getInput(0).getName())
                    .setScaler(NeuralNetworkImageScaler.newBuilder().setChannelScale(ImageInput.SCALE)
                            .setRedBias(b[0]).setGreenBias(b[1]).setBlueBias(b[2])).build());
        }
        NeuralNetworkImageShapeMapping imageMapping = s.image() ? NeuralNetworkImageShapeMapping.RANK4_IMAGE_MAPPING
                : NeuralNetworkImageShapeMapping.RANK5_IMAGE_MAPPING;
        Model.Builder m = Model.newBuilder().setSpecificationVersion(specificationVersion(s, c.usesIos14())).setDescription(d);
        if (classifier) {
            m.setNeuralNetworkClassifier(NeuralNetworkClassifier.newBuilder().addAllLayers(c.layers()).addAllPreprocessing(pre)
                    .setArrayInputShapeMapping(NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING)
                    .setImageInputShapeMapping(imageMapping)
                    .setStringClassLabels(StringVector.newBuilder().addAllVector(s.labels()))
                    .setLabelProbabilityLayerName(CoreMlDescriptions.CLASS_PROBS));
        } else {
            m.setNeuralNetwork(NeuralNetwork.newBuilder().addAllLayers(c.layers()).addAllPreprocessing(pre)
                    .setArrayInputShapeMapping(NeuralNetworkMultiArrayShapeMapping.EXACT_ARRAY_MAPPING)
                    .setImageInputShapeMapping(imageMapping));
        }
        return new Written(m.build(), c.weightStore());
    }

    static int specificationVersion(CoreMlSettings s, boolean needsIos14) {
        if (s.minIos() == 14) return 5;
        return needsIos14 ? 5 : 4;
    }
}
