package dev.formwork.exporters.coreml.validate;

import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ArrayFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Function;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model description against the program (formats.md §2.3, §6 rule 4): one description
 * input per function input and one description output per block output, same names; a
 * multiarray's dataType is the MIL dtype (FLOAT32 fp32, FLOAT16 fp16, INT32 int32) and its shape
 * the tensor's dims; an image input is a {@code [1, C, H, W]} tensor (C = 1 gray, 3 color).
 * Classifier outputs (predictedFeatureName / predictedProbabilitiesName) come from classify.
 */
final class MilInterfaceRules {
    private MilInterfaceRules() {}

    static void check(Model m, Function main, Block block, Map<String, ValueType> types, List<String> out) {
        var desc = m.getDescription();
        Map<String, NamedValueType> fin = new HashMap<>();
        for (NamedValueType t : main.getInputsList()) fin.put(t.getName(), t);
        for (FeatureDescription d : desc.getInputList()) {
            NamedValueType t = fin.remove(d.getName());
            if (t == null) out.add("description input '" + d.getName() + "' is not an input of function main");
            else match("input '" + d.getName() + "'", d.getType(), t.getType(), out);
        }
        for (String extra : fin.keySet()) out.add("function input '" + extra + "' has no description input");
        java.util.Set<String> outs = new java.util.HashSet<>(block.getOutputsList());
        for (FeatureDescription d : desc.getOutputList()) {
            boolean classOut = d.getName().equals(desc.getPredictedFeatureName()) || d.getName().equals(desc.getPredictedProbabilitiesName());
            if (!outs.remove(d.getName())) {
                out.add("description output '" + d.getName() + "' is not a block output of main");
                continue;
            }
            ValueType vt = types.get(d.getName());
            if (!classOut && vt != null) match("output '" + d.getName() + "'", d.getType(), vt, out);
        }
        for (String extra : outs) out.add("block output '" + extra + "' has no description output");
    }

    private static void match(String who, FeatureType f, ValueType v, List<String> out) {
        if (!v.hasTensorType()) return;
        DataType dt = v.getTensorType().getDataType();
        long[] dims = MilTypes.dims(v.getTensorType());
        if (f.hasMultiArrayType()) {
            ArrayFeatureType a = f.getMultiArrayType();
            DataType want = switch (a.getDataType()) {
                case FLOAT32 -> DataType.FLOAT32;
                case FLOAT16 -> DataType.FLOAT16;
                case INT32 -> DataType.INT32;
                case INT8 -> DataType.INT8;
                default -> null;
            };
            if (want != dt) out.add(who + ": description dataType " + a.getDataType() + " but the program's type is " + MilTypes.name(dt));
            if (a.getShapeCount() > 0) {
                boolean same = a.getShapeCount() == dims.length;
                for (int k = 0; same && k < dims.length; k++) same = dims[k] < 0 || dims[k] == a.getShape(k);
                if (!same) out.add(who + ": description shape " + a.getShapeList() + " but the program declares " + MilTypes.describe(v));
            }
        } else if (f.hasImageType()) {
            var img = f.getImageType();
            long c = switch (img.getColorSpace()) {
                case GRAYSCALE, GRAYSCALE_FLOAT16 -> 1;
                default -> 3;
            };
            long[] want = {1, c, img.getHeight(), img.getWidth()};
            if (!java.util.Arrays.equals(want, dims)) out.add(who + ": image " + java.util.Arrays.toString(want) + " but the program declares " + MilTypes.describe(v));
            DataType wantType = img.getColorSpace() == dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ImageFeatureType.ColorSpace.GRAYSCALE_FLOAT16
                    ? DataType.FLOAT16 : DataType.FLOAT32;
            if (dt != wantType) out.add(who + ": image input must be " + MilTypes.name(wantType) + " in the program, is " + MilTypes.name(dt));
        }
    }
}
