package dev.formwork.exporters.coreml.mil;

import dev.formwork.exporters.coreml.CoreMlDescriptions;
import dev.formwork.exporters.coreml.CoreMlNames;
import dev.formwork.exporters.coreml.ImageInput;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Dimension;
import dev.formwork.proto.coreml.CoreMlMilProto.DictionaryType;
import dev.formwork.proto.coreml.CoreMlMilProto.ListType;
import dev.formwork.proto.coreml.CoreMlMilProto.ListValue;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Value.ImmediateValue;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import java.util.ArrayList;
import java.util.List;

/**
 * The program's boundary: function inputs (float32, with coremltools-style image preprocessing
 * ops right after an image input), and the outputs (cast back to float32 under their reserved
 * names, or a softmax and the {@code classify} op for a classifier).
 */
final class MilInterface {
    final List<NamedValueType> functionInputs = new ArrayList<>();
    final List<FeatureDescription> inputFeatures = new ArrayList<>();
    final List<FeatureDescription> outputFeatures = new ArrayList<>();
    final List<String> blockOutputs = new ArrayList<>();
    private final List<String> outputNames = new ArrayList<>();

    /** Claims input and output names before any op takes them. */
    void reserve(Graph g, MilContext c) {
        CoreMlNames names = c.block().names();
        for (Value in : g.inputs()) {
            String name = names.unique(in.name());
            functionInputs.add(NamedValueType.newBuilder().setName(name)
                    .setType(MilValues.tensorType(DataType.FLOAT32, in.shape().toArray())).build());
            c.bind(in, new MilVar(name, DataType.FLOAT32, in.shape().toArray()));
            inputFeatures.add(c.settings().image() ? CoreMlDescriptions.image(name, in.shape()) : CoreMlDescriptions.array(name, in.shape()));
        }
        if (c.settings().labels() != null) {
            names.claim(CoreMlDescriptions.CLASS_LABEL);
            names.claim(CoreMlDescriptions.CLASS_PROBS);
            return;
        }
        for (Value out : g.outputs()) {
            String name = names.unique(out.name());
            outputNames.add(name);
            c.reserveOutput(out, name);
        }
    }

    /** x * (1/255) + (-mean), in float32, before anything reads the image (coremltools' order). */
    void imagePreprocessing(Graph g, MilContext c) {
        Value in = g.input(0);
        MilVar x = c.valueOf(in);
        MilBlock b = c.block();
        MilVar scaled = b.op("mul", x.name() + "__scaled__").in("x", x)
                .in("y", b.scalar(x.name() + "__scale__", ImageInput.SCALE, DataType.FLOAT32)).emit(DataType.FLOAT32, x.shape());
        int[] bs = {1, 3, 1, 1};
        MilVar bias = b.floatConstant(x.name() + "__bias__", Tensor.ofFloats(Shape.of(bs), ImageInput.bias(c.settings())), DataType.FLOAT32, bs);
        MilVar biased = b.op("add", x.name() + "__biased__").in("x", scaled).in("y", bias).emit(DataType.FLOAT32, x.shape());
        c.bind(in, biased);
    }

    private static MilVar resolve(Value v, MilContext c) {
        return v.isConstant() ? c.constant(v, DataType.FLOAT32) : c.valueOf(v);
    }

    /** Float32 model outputs under their reserved names. */
    void outputs(Graph g, MilContext c) {
        for (int i = 0; i < g.outputs().size(); i++) {
            Value v = g.output(i);
            String name = outputNames.get(i);
            MilVar x = resolve(v, c);
            if (x.dtype() != DataType.FLOAT32) {
                x = c.block().castExact(x, DataType.FLOAT32, name);
            } else if (!x.name().equals(name)) {
                x = c.block().opExact("identity", name).in("x", x).emit(DataType.FLOAT32, x.shape());
            }
            blockOutputs.add(name);
            outputFeatures.add(CoreMlDescriptions.array(name, v.shape()));
        }
    }

    /**
     * softmax over the logits, cast to fp32 (classify takes fp32), then classify: its outputs
     * are the label (string scalar) and a label -> probability dictionary (values fp64), and
     * they replace the logits as the block's outputs, as coremltools' ClassifierConfig does.
     */
    void classifier(Graph g, MilContext c) {
        Value v = g.output(0);
        MilVar logits = resolve(v, c);
        MilBlock b = c.block();
        MilVar probs = b.op("softmax", v.name() + "_softmax").in("x", logits).int32("axis", -1).emit(logits.dtype(), logits.shape());
        if (probs.dtype() != DataType.FLOAT32) probs = b.cast(probs, DataType.FLOAT32);
        List<String> labels = c.settings().labels();
        ListValue.Builder list = ListValue.newBuilder();
        for (String l : labels) list.addValues(MilValues.string(l));
        ValueType listType = ValueType.newBuilder().setListType(ListType.newBuilder()
                .setType(MilValues.scalarType(DataType.STRING))
                .setLength(Dimension.newBuilder().setConstant(Dimension.ConstantDimension.newBuilder().setSize(labels.size())))).build();
        dev.formwork.proto.coreml.CoreMlMilProto.Value classes = dev.formwork.proto.coreml.CoreMlMilProto.Value.newBuilder()
                .setType(listType).setImmediateValue(ImmediateValue.newBuilder().setList(list)).build();
        MilOp op = b.op("classify", "classify").in("probabilities", probs).literal("classes", classes);
        op.outTyped(CoreMlDescriptions.CLASS_LABEL, MilValues.scalarType(DataType.STRING));
        op.outTyped(CoreMlDescriptions.CLASS_PROBS, ValueType.newBuilder().setDictionaryType(DictionaryType.newBuilder()
                .setKeyType(MilValues.scalarType(DataType.STRING)).setValueType(MilValues.scalarType(DataType.FLOAT64))).build());
        op.emit();
        blockOutputs.add(CoreMlDescriptions.CLASS_LABEL);
        blockOutputs.add(CoreMlDescriptions.CLASS_PROBS);
        outputFeatures.add(CoreMlDescriptions.classLabel());
        outputFeatures.add(CoreMlDescriptions.classProbabilities());
    }
}
