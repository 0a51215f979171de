package dev.formwork.exporters.coreml.validate;

import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ArrayFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ImageFeatureType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Model description rules (apple/coremltools {@code Validation/InterfaceValidators.cpp}
 * validateFeatureDescription): every feature has a non-empty unique name and a type;
 * multiarray types are DOUBLE, FLOAT32, INT32, FLOAT16 (spec >= 7) or INT8 (spec >= 10); an input
 * multiarray needs a shape; dimensions are positive; GRAYSCALE_FLOAT16 images need spec >= 7;
 * images need a color space and a positive size.
 */
final class DescriptionRules {
    private DescriptionRules() {}

    static void check(Model m, List<String> out) {
        int spec = m.getSpecificationVersion();
        Set<String> seen = new HashSet<>();
        for (FeatureDescription d : m.getDescription().getInputList()) feature(d, "input", spec, true, seen, out);
        seen.clear();
        for (FeatureDescription d : m.getDescription().getOutputList()) feature(d, "output", spec, false, seen, out);
    }

    private static void feature(FeatureDescription d, String io, int spec, boolean input, Set<String> seen, List<String> out) {
        String what = io + " '" + d.getName() + "'";
        if (d.getName().isEmpty()) out.add("an " + io + " feature has an empty name");
        if (!seen.add(d.getName())) out.add(what + " is declared twice");
        FeatureType t = d.getType();
        switch (t.getTypeCase()) {
            case MULTIARRAYTYPE -> {
                ArrayFeatureType a = t.getMultiArrayType();
                if (input && a.getShapeCount() == 0) out.add(what + ": multiarray input has no shape");
                for (long s : a.getShapeList()) if (s <= 0) out.add(what + ": shape " + a.getShapeList() + " has a non-positive dimension");
                switch (a.getDataType()) {
                    case DOUBLE, FLOAT32, INT32 -> { }
                    case FLOAT16 -> { if (spec < 7) out.add(what + ": FLOAT16 multiarray needs specificationVersion >= 7, model has " + spec); }
                    case INT8 -> { if (spec < 10) out.add(what + ": INT8 multiarray needs specificationVersion >= 10, model has " + spec); }
                    default -> out.add(what + ": invalid or unset multiarray dataType (DOUBLE, FLOAT32, FLOAT16 or INT32)");
                }
            }
            case IMAGETYPE -> {
                ImageFeatureType img = t.getImageType();
                if (img.getWidth() <= 0 || img.getHeight() <= 0) out.add(what + ": image size " + img.getWidth() + "x" + img.getHeight() + " is not positive");
                switch (img.getColorSpace()) {
                    case GRAYSCALE, RGB, BGR -> { }
                    case GRAYSCALE_FLOAT16 -> { if (spec < 7) out.add(what + ": GRAYSCALE_FLOAT16 image needs specificationVersion >= 7"); }
                    default -> out.add(what + ": image has no valid colorSpace");
                }
            }
            case TYPE_NOT_SET -> out.add(what + " has no feature type");
            default -> { }
        }
    }
}
