package dev.formwork.runtimes.coreml.mil;

import dev.formwork.exporters.coreml.validate.CoreMlArtifact;
import dev.formwork.exporters.coreml.validate.MilTypes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.runtimes.coreml.ImageInputs;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The session-facing side of {@link MilExecutor}: converts float32 arrays to the function's
 * declared input types (fp32, fp16 rounded, int32) — image inputs reordered from RGB to the
 * model's color space — and the block outputs back to float32 arrays.
 */
public final class MilRunner {
    private final CoreMlArtifact artifact;
    private final MilExecutor exec;
    private final String probabilitiesOutput;

    public MilRunner(CoreMlArtifact artifact, boolean fp16Compute) {
        this.artifact = artifact;
        this.exec = new MilExecutor(artifact, fp16Compute);
        String probs = null;
        var main = artifact.model().getMlProgram().getFunctionsMap().get("main");
        for (Operation op : main.getBlockSpecializationsMap().get(main.getOpset()).getOperationsList()) {
            if (op.getType().equals("classify") && op.getOutputsCount() == 2) probs = op.getOutputs(1).getName();
        }
        probabilitiesOutput = probs;
    }

    public List<String> classLabels() {
        return probabilitiesOutput == null ? null : exec.classLabels();
    }

    public Map<String, NdArray> run(Map<String, NdArray> named, List<FeatureDescription> descs) {
        Map<String, FeatureDescription> byName = new HashMap<>();
        for (FeatureDescription d : descs) byName.put(d.getName(), d);
        Map<String, MilValue> in = new HashMap<>();
        for (NamedValueType t : exec.inputs()) {
            NdArray v = named.get(t.getName());
            FeatureDescription d = byName.get(t.getName());
            if (v == null || d == null) {
                throw new FormworkException(artifact.source() + ": function input '" + t.getName() + "' has no model description input");
            }
            if (!t.getType().hasTensorType()) throw new FormworkException(artifact.source() + ": function input '" + t.getName() + "' is not a tensor");
            var tt = t.getType().getTensorType();
            float[] data = d.getType().hasImageType() ? ImageInputs.toModelOrder(v, d.getType().getImageType(), artifact.source(), d.getName()) : v.data();
            long[] dims = MilTypes.dims(tt);
            int[] shape = v.shape();
            boolean ok = dims.length == shape.length;
            for (int k = 0; ok && k < dims.length; k++) ok = dims[k] < 0 || dims[k] == shape[k];
            if (!ok) {
                throw new FormworkException(artifact.source() + ": input '" + t.getName() + "' is " + v + " but the function declares " + MilTypes.describe(t.getType()));
            }
            DataType dt = tt.getDataType();
            if (MilTypes.isFloat(dt)) {
                in.put(t.getName(), MilValue.floats(dt, shape, data.clone()));
            } else if (dt == DataType.INT32) {
                long[] l = new long[data.length];
                for (int k = 0; k < l.length; k++) l[k] = (long) data[k];
                in.put(t.getName(), MilValue.ints(dt, shape, l));
            } else {
                throw new FormworkException(artifact.source() + ": input '" + t.getName() + "' of type " + MilTypes.name(dt) + " is not supported");
            }
        }
        Map<String, NdArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, MilValue> e : exec.run(in).entrySet()) {
            MilValue v = e.getValue();
            if (v.isList() || v.dtype() == DataType.STRING) continue;
            out.put(e.getKey(), NdArray.of(v.shape(), v.floats().clone()));
        }
        return out;
    }

    public float[] probabilities(Map<String, NdArray> produced) {
        NdArray p = produced.get(probabilitiesOutput);
        if (p == null) throw new FormworkException(artifact.source() + ": classify probabilities '" + probabilitiesOutput + "' are not a block output");
        return p.data().clone();
    }
}
