package dev.formwork.exporters.coreml;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ArtifactReader;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ImageFeatureType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Metadata;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@code .mlpackage} folders (ML Program) and {@code .mlmodel} files (NeuralNetwork, or an
 * ML Program without weights) back for {@code inspect}: format, op histogram (MIL op types
 * without {@code const}; NN layer types), weight element count, multiply-accumulates where the
 * types tell, inputs/outputs, and details (specification version, opset, metadata).
 */
public final class CoreMlReader implements ArtifactReader {
    @Override
    public boolean accepts(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString();
        return (n.endsWith(".mlpackage") && Files.isDirectory(p)) || (n.endsWith(".mlmodel") && Files.isRegularFile(p));
    }

    @Override
    public ArtifactInfo read(Path p) {
        Model m;
        try {
            Path spec = modelFile(p);
            if (Files.size(spec) > Integer.MAX_VALUE - 8) throw new FormworkException(spec + ": larger than 2 GB, not a Core ML model spec");
            m = Model.parseFrom(Files.readAllBytes(spec));
        } catch (IOException e) {
            throw new FormworkException(p + ": cannot read Core ML model: " + String.valueOf(e.getMessage()).replace('\n', ' '));
        }
        if (m.getSpecificationVersion() == 0) throw new FormworkException(p + ": not a Core ML model (specificationVersion missing)");
        Map<String, String> details = new LinkedHashMap<>();
        details.put("specificationVersion", String.valueOf(m.getSpecificationVersion()));
        List<ArtifactInfo.Io> outputs = new ArrayList<>();
        int classes;
        try {
            classes = classCount(m);
        } catch (FormworkException e) {
            throw new FormworkException(p + ": " + e.getMessage());
        }
        for (FeatureDescription f : m.getDescription().getOutputList()) {
            if (f.getType().hasStringType() || f.getType().hasInt64Type()) details.put("classifier.predictedFeature", f.getName());
            else if (f.getType().hasDictionaryType()) outputs.add(new ArtifactInfo.Io(f.getName(), DType.FLOAT32, Shape.of(classes)));
            else outputs.add(io(f, p));
        }
        List<ArtifactInfo.Io> inputs = new ArrayList<>();
        for (FeatureDescription f : m.getDescription().getInputList()) inputs.add(io(f, p));
        ArtifactInfo info = switch (m.getTypeCase()) {
            case MLPROGRAM -> {
                try {
                    yield MilSummary.of(m, details, inputs, outputs);
                } catch (FormworkException e) {
                    throw new FormworkException(p + ": " + e.getMessage());
                }
            }
            case NEURALNETWORK -> nn("coreml-neuralnetwork", m.getNeuralNetwork().getLayersList(), details, inputs, outputs);
            case NEURALNETWORKCLASSIFIER -> {
                details.put("classifier.labels", String.valueOf(m.getNeuralNetworkClassifier().getStringClassLabels().getVectorCount()));
                yield nn("coreml-neuralnetwork", m.getNeuralNetworkClassifier().getLayersList(), details, inputs, outputs);
            }
            default -> throw new FormworkException(p + ": Core ML model of type " + m.getTypeCase() + " is not one Formwork reads");
        };
        metadata(m.getDescription().getMetadata(), info.details());
        return info;
    }

    /**
     * model.mlmodel of a package, found through Manifest.json's root item (which must stay inside
     * the package's Data folder); or the file itself.
     */
    static Path modelFile(Path p) {
        if (!Files.isDirectory(p)) return p;
        if (!Files.isRegularFile(p.resolve("Manifest.json"))) throw new FormworkException(p + ": not an .mlpackage (no Manifest.json)");
        dev.formwork.exporters.coreml.validate.PackageManifest m = dev.formwork.exporters.coreml.validate.PackageManifest.read(p);
        if (m.rootModelPath() == null) {
            throw new FormworkException(p + ": not a readable .mlpackage: " + (m.problems().isEmpty() ? "no root model" : m.problems().get(0)));
        }
        return m.rootModelPath();
    }

    private static ArtifactInfo.Io io(FeatureDescription f, Path p) {
        FeatureType t = f.getType();
        if (t.hasMultiArrayType()) {
            var a = t.getMultiArrayType();
            DType dt = switch (a.getDataType()) {
                case FLOAT16 -> DType.FLOAT16;
                case INT32 -> DType.INT32;
                default -> DType.FLOAT32;
            };
            long[] shape = a.getShapeList().stream().mapToLong(Long::longValue).toArray();
            if (shape.length > 64 || java.util.Arrays.stream(shape).anyMatch(d -> d < 0 || d > Integer.MAX_VALUE)) {
                throw new FormworkException(p + ": feature '" + FormworkException.shown(f.getName()) + "': bad shape "
                        + FormworkException.shown(java.util.Arrays.toString(shape)));
            }
            return new ArtifactInfo.Io(f.getName(), dt, Shape.of(shape));
        }
        if (t.hasImageType()) {
            var i = t.getImageType();
            int c = i.getColorSpace() == ImageFeatureType.ColorSpace.GRAYSCALE ? 1 : 3;
            if (i.getHeight() < 0 || i.getWidth() < 0 || i.getHeight() > Integer.MAX_VALUE || i.getWidth() > Integer.MAX_VALUE) {
                throw new FormworkException(p + ": feature '" + FormworkException.shown(f.getName()) + "': bad image size "
                        + i.getWidth() + "x" + i.getHeight());
            }
            return new ArtifactInfo.Io(f.getName(), DType.FLOAT32, Shape.of(1, c, (int) i.getHeight(), (int) i.getWidth()));
        }
        throw new FormworkException(p + ": feature '" + FormworkException.shown(f.getName()) + "': type " + t.getTypeCase() + " is not one Formwork reads");
    }

    /** Number of class labels of a classifier (0 otherwise). */
    private static int classCount(Model m) {
        if (m.hasNeuralNetworkClassifier()) {
            var c = m.getNeuralNetworkClassifier();
            return c.hasStringClassLabels() ? c.getStringClassLabels().getVectorCount() : c.getInt64ClassLabels().getVectorCount();
        }
        return m.hasMlProgram() ? MilSummary.classCount(m) : 0;
    }

    private static ArtifactInfo nn(String format, List<NeuralNetworkLayer> layers, Map<String, String> details,
                                   List<ArtifactInfo.Io> inputs, List<ArtifactInfo.Io> outputs) {
        Map<String, Integer> ops = new TreeMap<>();
        long params = 0, macs = 0;
        for (NeuralNetworkLayer l : layers) {
            ops.merge(NnSummary.layerType(l), 1, Integer::sum);
            params += NnSummary.weightElements(l);
            macs += NnSummary.macs(l);
        }
        return new ArtifactInfo(format, params, macs, ops, inputs, outputs, details);
    }

    private static void metadata(Metadata md, Map<String, String> details) {
        if (!md.getShortDescription().isEmpty()) details.put("description", md.getShortDescription());
        if (!md.getAuthor().isEmpty()) details.put("author", md.getAuthor());
        if (!md.getLicense().isEmpty()) details.put("license", md.getLicense());
        if (!md.getVersionString().isEmpty()) details.put("version", md.getVersionString());
        new TreeMap<>(md.getUserDefinedMap()).forEach((k, v) -> details.put("metadata." + k, v));
    }
}
