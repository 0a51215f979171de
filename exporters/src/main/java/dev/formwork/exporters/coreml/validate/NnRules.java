package dev.formwork.exporters.coreml.validate;

import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlModelProto.ModelDescription;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkImageShapeMapping;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkMultiArrayShapeMapping;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Network-wide NeuralNetwork rules, from apple/coremltools
 * {@code Validation/NeuralNetwork/NeuralNetworkValidator.cpp} (validateNeuralNetworkTopLevel,
 * validateNeuralNetwork, the classifier checks) and {@code Utils.cpp} (which spec each layer
 * needs): ND interpretation and the array mapping; spec covers every layer; at least one
 * (non-optional) input, one output, one layer; legacy multiarray inputs of rank 1 or 3; layers
 * topologically ordered, each blob produced once; inputTensor/outputTensor ranks consistent with
 * each other and the description; every output produced; classifier probability blob produced.
 * Per-layer parameter rules are in {@link NnLayerRules}.
 */
final class NnRules {
    private NnRules() {}

    static void check(Model m, List<String> out) {
        List<NeuralNetworkLayer> layers = m.hasNeuralNetworkClassifier() ? m.getNeuralNetworkClassifier().getLayersList()
                : m.getNeuralNetwork().getLayersList();
        check(m, layers, layers.size(), out);
    }

    /**
     * The rules for model {@code m} whose network's layers are {@code layers} (those in {@code m}
     * are not read), so a file can be checked while its layers are parsed one at a time
     * ({@link NnModelFile}). {@code layers} is iterated once, or twice when only the layer types
     * tell whether the network is ND.
     */
    static void check(Model m, Iterable<NeuralNetworkLayer> layers, int layerCount, List<String> out) {
        int spec = m.getSpecificationVersion();
        boolean classifier = m.hasNeuralNetworkClassifier();
        NeuralNetworkMultiArrayShapeMapping arrayMap;
        NeuralNetworkImageShapeMapping imageMap;
        if (classifier) {
            var nn = m.getNeuralNetworkClassifier();
            arrayMap = nn.getArrayInputShapeMapping();
            imageMap = nn.getImageInputShapeMapping();
            if (!nn.hasStringClassLabels() && !nn.hasInt64ClassLabels()) out.add("classifier has no class labels");
        } else {
            var nn = m.getNeuralNetwork();
            arrayMap = nn.getArrayInputShapeMapping();
            imageMap = nn.getImageInputShapeMapping();
        }
        ModelDescription desc = m.getDescription();
        boolean hasArrayInput = desc.getInputList().stream().anyMatch(d -> d.getType().hasMultiArrayType());
        boolean newArrayMap = arrayMap != NeuralNetworkMultiArrayShapeMapping.RANK5_ARRAY_MAPPING;
        boolean newImageMap = imageMap != NeuralNetworkImageShapeMapping.RANK5_IMAGE_MAPPING;
        // newLayer matters only below when neither mapping already makes the network ND.
        boolean newLayer = (!newArrayMap && (hasArrayInput || !newImageMap)) && anyNewLayer(layers);
        boolean nd = newLayer || newArrayMap || newImageMap;
        if (newLayer && !newArrayMap && hasArrayInput) {
            out.add("arrayInputShapeMapping is RANK5_ARRAY_MAPPING but the network has layers added in spec 4 (iOS 13) or later: use EXACT_ARRAY_MAPPING");
        }
        if (!newArrayMap && newImageMap && hasArrayInput) {
            out.add("arrayInputShapeMapping RANK5_ARRAY_MAPPING cannot be combined with imageInputShapeMapping RANK4_IMAGE_MAPPING");
        }
        if ((newArrayMap || newImageMap) && spec > 0 && spec < 4) out.add("EXACT_ARRAY_MAPPING / RANK4_IMAGE_MAPPING need specificationVersion >= 4, model has " + spec);
        // The per-layer version findings are reported here, before the description's; they are
        // found in the layer loop below (one pass over the layers) and inserted at this point.
        int versionFindingsAt = out.size();
        List<String> versionFindings = new ArrayList<>();
        if (desc.getOutputCount() == 0) out.add("neural networks produce at least one output");
        if (layerCount == 0) out.add("neural networks require at least one layer");
        if (desc.getInputCount() > 0 && desc.getInputList().stream().allMatch(d -> d.getType().getIsOptional())) {
            out.add("neural networks require at least one non-optional input");
        }
        Map<String, Integer> ioRank = new HashMap<>();
        for (FeatureDescription d : desc.getInputList()) {
            FeatureType t = d.getType();
            if (t.hasMultiArrayType()) {
                int r = t.getMultiArrayType().getShapeCount();
                if (!nd && r != 1 && r != 3) out.add("input '" + d.getName() + "': legacy (rank-5) networks take multiarrays of rank 1 or 3, not " + r);
                if (nd && r > 5) out.add("input '" + d.getName() + "' has rank " + r + " > 5");
                ioRank.put(d.getName(), newArrayMap ? r : 5);
            } else if (t.hasImageType()) {
                ioRank.put(d.getName(), newImageMap ? 4 : 5);
            } else if (!t.hasImageType()) {
                out.add("input '" + d.getName() + "': neural network inputs must be multiarrays or images, not " + t.getTypeCase());
            }
        }
        for (FeatureDescription d : desc.getOutputList()) {
            if (d.getType().hasMultiArrayType() && d.getType().getMultiArrayType().getShapeCount() > 0) {
                ioRank.put(d.getName(), d.getType().getMultiArrayType().getShapeCount());
            }
        }
        Set<String> blobs = new HashSet<>();
        for (FeatureDescription d : desc.getInputList()) blobs.add(d.getName());
        Set<String> produced = new HashSet<>();
        Map<String, Integer> blobRank = new HashMap<>(nd ? ioRank : Map.of());
        Set<String> names = new HashSet<>();
        for (NeuralNetworkLayer l : layers) {
            int need = NnLayerVersions.minimumSpec(l);
            if (spec > 0 && need > spec) versionFindings.add("layer '" + l.getName() + "' (" + layerType(l) + ") needs specificationVersion >= " + need + ", model has " + spec);
            if (spec > 0 && spec < 2 && NnLayerRules.usesFp16(l)) versionFindings.add("layer '" + l.getName() + "' has float16 weights, which need specificationVersion >= 2");
            String who = "layer '" + l.getName() + "'";
            if (!names.add(l.getName())) out.add(who + ": layer name used twice");
            if (nd) {
                ranks(l, who, l.getInputList(), l.getInputTensorList(), "input", blobRank, out);
                ranks(l, who, l.getOutputList(), l.getOutputTensorList(), "output", blobRank, out);
            }
            NnLayerRules.check(l, who, nd, blobRank, out);
            if (nd) propagate(l, blobRank);
            for (String in : l.getInputList()) {
                if (!blobs.contains(in)) out.add(who + " consumes '" + in + "', which no earlier layer or model input produces (layers must be in topological order)");
            }
            for (String o : l.getOutputList()) {
                if (blobs.contains(o)) out.add(who + " produces '" + o + "', which is already produced by an earlier layer or is a model input");
                blobs.add(o);
                produced.add(o);
            }
        }
        out.addAll(versionFindingsAt, versionFindings);
        for (FeatureDescription d : desc.getOutputList()) {
            boolean classOut = classifier && (d.getName().equals(desc.getPredictedFeatureName()) || d.getName().equals(desc.getPredictedProbabilitiesName()));
            if (!produced.contains(d.getName()) && !classOut) out.add("output '" + d.getName() + "' is not produced by any layer");
        }
        if (classifier) {
            String p = m.getNeuralNetworkClassifier().getLabelProbabilityLayerName();
            if (!p.isEmpty() && !produced.contains(p)) out.add("classifier probability blob '" + p + "' is not produced by any layer");
        }
    }

    private static boolean anyNewLayer(Iterable<NeuralNetworkLayer> layers) {
        for (NeuralNetworkLayer l : layers) {
            if (!NnLayerVersions.isIos12Layer(l)) return true;
        }
        return false;
    }

    private static void ranks(NeuralNetworkLayer l, String who, List<String> blobs, List<Tensor> tensors, String io,
                              Map<String, Integer> blobRank, List<String> out) {
        if (tensors.isEmpty()) return;
        if (tensors.size() != blobs.size()) {
            out.add(who + ": " + blobs.size() + " " + io + "s but " + tensors.size() + " " + io + "Tensor entries");
            return;
        }
        for (int k = 0; k < blobs.size(); k++) {
            Tensor t = tensors.get(k);
            if (t.getRank() > 5) out.add(who + ": " + io + " '" + blobs.get(k) + "' has rank " + t.getRank() + " > 5");
            if (t.getDimValueCount() > 0 && t.getDimValueCount() != t.getRank()) {
                out.add(who + ": " + io + "Tensor of '" + blobs.get(k) + "' has rank " + t.getRank() + " but " + t.getDimValueCount() + " dims");
            }
            Integer prev = blobRank.putIfAbsent(blobs.get(k), t.getRank());
            if (prev != null && prev != t.getRank()) {
                out.add(who + ": blob '" + blobs.get(k) + "' is declared with rank " + t.getRank() + " here and rank " + prev + " elsewhere");
            }
        }
    }

    /** Output ranks that follow from the input rank, so later axis checks know the rank. */
    private static void propagate(NeuralNetworkLayer l, Map<String, Integer> blobRank) {
        Integer r = l.getInputCount() > 0 ? blobRank.get(l.getInput(0)) : null;
        Integer o = switch (l.getLayerCase()) {
            case RESHAPESTATIC -> l.getReshapeStatic().getTargetShapeCount();
            case LOADCONSTANTND -> l.getLoadConstantND().getShapeCount();
            case REDUCEMEAN -> reducedRank(r, l.getReduceMean().getKeepDims(), l.getReduceMean().getReduceAll(), l.getReduceMean().getAxesCount());
            case REDUCESUM -> reducedRank(r, l.getReduceSum().getKeepDims(), l.getReduceSum().getReduceAll(), l.getReduceSum().getAxesCount());
            case REDUCEMAX -> reducedRank(r, l.getReduceMax().getKeepDims(), l.getReduceMax().getReduceAll(), l.getReduceMax().getAxesCount());
            case BATCHEDMATMUL -> {
                Integer r2 = l.getInputCount() > 1 ? blobRank.get(l.getInput(1)) : r;
                yield r == null || r2 == null ? null : l.getInputCount() > 1 ? Math.max(2, Math.max(r, r2)) : r;
            }
            case SLICESTATIC -> r == null ? null
                    : Math.max(1, r - (int) l.getSliceStatic().getSqueezeMasksList().stream().filter(Boolean::booleanValue).count());
            case LAYER_NOT_SET -> null;
            default -> r;
        };
        if (o == null) return;
        for (String out : l.getOutputList()) blobRank.putIfAbsent(out, o);
    }

    private static Integer reducedRank(Integer r, boolean keep, boolean all, int axes) {
        return r == null ? null : keep ? r : all ? 1 : Math.max(1, r - axes);
    }

    static String layerType(NeuralNetworkLayer l) {
        return l.getLayerCase().name().toLowerCase();
    }
}
