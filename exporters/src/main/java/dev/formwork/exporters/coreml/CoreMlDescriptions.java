package dev.formwork.exporters.coreml;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.FormworkVersion;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ArrayFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.DictionaryFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ImageFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.StringFeatureType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Metadata;
import java.util.Set;

/**
 * The parts of {@code ModelDescription} both Core ML formats share: feature types of the inputs
 * and outputs, the classifier outputs, and the metadata Xcode shows.
 */
public final class CoreMlDescriptions {
    /** Name of the predicted-label output of a classifier (coremltools' default). */
    public static final String CLASS_LABEL = "classLabel";
    /** Name of the label-to-probability output of a classifier (coremltools' ML Program naming). */
    public static final String CLASS_PROBS = "classLabel_probs";

    /** Metadata keys that have their own field; every other key goes to userDefined. */
    private static final Set<String> OWN_FIELDS = Set.of("description", "author", "license", "version");

    private CoreMlDescriptions() {}

    /** A float32 MultiArray feature of a fixed shape. */
    public static FeatureDescription array(String name, Shape shape) {
        ArrayFeatureType.Builder a = ArrayFeatureType.newBuilder().setDataType(ArrayFeatureType.ArrayDataType.FLOAT32);
        for (int d : shape.toArray()) a.addShape(d);
        return FeatureDescription.newBuilder().setName(name).setType(FeatureType.newBuilder().setMultiArrayType(a)).build();
    }

    /** An RGB image feature for an input of shape [1, 3, H, W]. */
    public static FeatureDescription image(String name, Shape shape) {
        ImageFeatureType.Builder i = ImageFeatureType.newBuilder().setWidth(shape.dim(3)).setHeight(shape.dim(2))
                .setColorSpace(ImageFeatureType.ColorSpace.RGB);
        return FeatureDescription.newBuilder().setName(name)
                .setShortDescription("RGB image, " + shape.dim(3) + "x" + shape.dim(2))
                .setType(FeatureType.newBuilder().setImageType(i)).build();
    }

    /** The predicted label (a string). */
    public static FeatureDescription classLabel() {
        return FeatureDescription.newBuilder().setName(CLASS_LABEL).setShortDescription("most likely class")
                .setType(FeatureType.newBuilder().setStringType(StringFeatureType.getDefaultInstance())).build();
    }

    /** Label -> probability dictionary. */
    public static FeatureDescription classProbabilities() {
        DictionaryFeatureType d = DictionaryFeatureType.newBuilder().setStringKeyType(StringFeatureType.getDefaultInstance()).build();
        return FeatureDescription.newBuilder().setName(CLASS_PROBS).setShortDescription("probability of each class")
                .setType(FeatureType.newBuilder().setDictionaryType(d)).build();
    }

    /**
     * Author, license, version and description from the export options (falling back to the
     * graph's metadata); the remaining keys (model, weights_sha256, formwork_version, input
     * mean/std, ...) as userDefined entries, with formwork_version always present.
     */
    public static Metadata metadata(ExportOptions o, Graph g) {
        Metadata.Builder m = Metadata.newBuilder();
        String d = CoreMlSettings.meta(o, g, "description");
        String model = CoreMlSettings.meta(o, g, "model");
        m.setShortDescription(d != null ? d : (model != null ? model : g.name()) + ", converted by Formwork " + FormworkVersion.VERSION);
        setIf(m::setAuthor, CoreMlSettings.meta(o, g, "author"));
        setIf(m::setLicense, CoreMlSettings.meta(o, g, "license"));
        setIf(m::setVersionString, CoreMlSettings.meta(o, g, "version"));
        java.util.TreeMap<String, String> user = new java.util.TreeMap<>();
        g.metadata().forEach((k, v) -> { if (!OWN_FIELDS.contains(k) && v != null) user.put(k, v); });
        o.metadata().forEach((k, v) -> { if (!OWN_FIELDS.contains(k) && v != null) user.put(k, v); });
        user.putIfAbsent("model", g.name());
        user.putIfAbsent("formwork_version", FormworkVersion.VERSION);
        m.putAllUserDefined(user);
        return m.build();
    }

    private static void setIf(java.util.function.Consumer<String> f, String v) {
        if (v != null && !v.isEmpty()) f.accept(v);
    }
}
