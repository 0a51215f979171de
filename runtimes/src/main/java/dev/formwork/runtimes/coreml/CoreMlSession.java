package dev.formwork.runtimes.coreml;

import dev.formwork.exporters.coreml.validate.CoreMlArtifact;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ArrayFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.runtimes.Session;
import dev.formwork.runtimes.TensorSpec;
import dev.formwork.runtimes.coreml.mil.MilRunner;
import dev.formwork.runtimes.coreml.nn.NnExecutor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A loaded Core ML model.
 *
 * <p><b>Inputs</b>, in description order: multiarrays with their declared shape (DOUBLE and
 * FLOAT16 arrays are passed as float32 values; FLOAT16 inputs are rounded to half); images as
 * {@code [1, 3, H, W]} RGB (or {@code [1, 1, H, W]} gray) float32 pixel values 0..255.
 *
 * <p><b>Outputs</b>, as float32: for a classifier first the class probabilities {@code [K]} in
 * class-label order (named by {@code predictedProbabilitiesName}), then the predicted label as
 * its top-1 class index {@code [1]} (named by {@code predictedFeatureName}; {@link #classLabels()}
 * maps the index to the label), then the multiarray outputs in description order. A multiarray
 * output takes its declared shape when the element count agrees (legacy rank-5 blobs such as
 * [1,1,128,1,1] for a declared [128]), else the computed shape.
 *
 * <p><b>fp16Compute</b>: off — float32 arithmetic, results rounded to half only where the
 * program's types say fp16 (ML Program) or nowhere (NeuralNetwork); on — every op / layer output
 * and every weight is also rounded to half, like the GPU and Neural Engine.
 */
public final class CoreMlSession implements Session {
    private final CoreMlArtifact artifact;
    private final MilRunner mil;
    private final NnExecutor nn;
    private final List<TensorSpec> inputs = new ArrayList<>();
    private final List<TensorSpec> outputs = new ArrayList<>();
    private final List<FeatureDescription> arrayOutputs = new ArrayList<>();
    private final List<String> labels;

    CoreMlSession(CoreMlArtifact artifact, boolean fp16Compute) {
        this.artifact = artifact;
        Model m = artifact.model();
        if (m.hasMlProgram()) {
            if (m.getSpecificationVersion() < 6) {
                throw new FormworkException(artifact.source() + ": ML Program needs specificationVersion >= 6, got " + m.getSpecificationVersion());
            }
            mil = new MilRunner(artifact, fp16Compute);
            nn = null;
            labels = mil.classLabels();
        } else if (m.hasNeuralNetwork() || m.hasNeuralNetworkClassifier()) {
            if (m.getSpecificationVersion() <= 0) throw new FormworkException(artifact.source() + ": specificationVersion missing or corrupt");
            nn = new NnExecutor(artifact, fp16Compute);
            mil = null;
            labels = nn.classLabels();
        } else {
            throw new FormworkException(artifact.source() + ": model type " + m.getTypeCase() + " is not run by the Core ML executor");
        }
        var desc = m.getDescription();
        for (FeatureDescription d : desc.getInputList()) inputs.add(inputSpec(d));
        if (labels != null) {
            outputs.add(new TensorSpec(desc.getPredictedProbabilitiesName(), DType.FLOAT32, Shape.of(labels.size())));
            outputs.add(new TensorSpec(desc.getPredictedFeatureName(), DType.FLOAT32, Shape.of(1)));
        }
        for (FeatureDescription d : desc.getOutputList()) {
            if (labels != null && (d.getName().equals(desc.getPredictedFeatureName()) || d.getName().equals(desc.getPredictedProbabilitiesName()))) continue;
            if (!d.getType().hasMultiArrayType()) {
                throw new FormworkException(artifact.source() + ": output '" + d.getName() + "' of type " + d.getType().getTypeCase() + " is not supported");
            }
            arrayOutputs.add(d);
            outputs.add(new TensorSpec(d.getName(), DType.FLOAT32, Shape.of(d.getType().getMultiArrayType().getShapeList().stream().mapToLong(Long::longValue).toArray())));
        }
    }

    private TensorSpec inputSpec(FeatureDescription d) {
        FeatureType t = d.getType();
        if (t.hasImageType()) {
            var img = t.getImageType();
            return new TensorSpec(d.getName(), DType.FLOAT32, Shape.of(1, ImageInputs.channels(img), (int) img.getHeight(), (int) img.getWidth()));
        }
        if (!t.hasMultiArrayType()) {
            throw new FormworkException(artifact.source() + ": input '" + d.getName() + "' of type " + t.getTypeCase() + " is not supported");
        }
        ArrayFeatureType a = t.getMultiArrayType();
        DType dt = switch (a.getDataType()) {
            case FLOAT16 -> DType.FLOAT16;
            case INT32 -> DType.INT32;
            default -> DType.FLOAT32;
        };
        return new TensorSpec(d.getName(), dt, Shape.of(a.getShapeList().stream().mapToLong(Long::longValue).toArray()));
    }

    /** Class labels in probability order for a classifier, else null. */
    public List<String> classLabels() {
        return labels;
    }

    /** Whether this is an ML Program (else a NeuralNetwork). */
    public boolean isMlProgram() {
        return mil != null;
    }

    @Override
    public List<TensorSpec> inputs() {
        return List.copyOf(inputs);
    }

    @Override
    public List<TensorSpec> outputs() {
        return List.copyOf(outputs);
    }

    @Override
    public NdArray[] run(NdArray... in) {
        List<FeatureDescription> descs = artifact.model().getDescription().getInputList();
        if (in.length != descs.size()) throw new FormworkException(artifact.source() + ": expected " + descs.size() + " inputs, got " + in.length);
        Map<String, NdArray> named = new HashMap<>();
        for (int k = 0; k < in.length; k++) {
            TensorSpec s = inputs.get(k);
            if (!in[k].shapeObj().equals(s.shape())) {
                throw new FormworkException(artifact.source() + ": input '" + s.name() + "' must be " + s.shape() + ", got " + in[k]);
            }
            named.put(s.name(), in[k].isLong() ? toFloat(in[k]) : in[k]);
        }
        Map<String, NdArray> produced = mil != null ? mil.run(named, descs) : nn.run(named);
        NdArray[] out = new NdArray[outputs.size()];
        int k = 0;
        if (labels != null) {
            float[] p = mil != null ? mil.probabilities(produced) : nn.probabilities(produced);
            int best = 0;
            for (int j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
            out[k++] = NdArray.of(new int[] {p.length}, p);
            out[k++] = NdArray.of(new int[] {1}, new float[] {best});
        }
        for (FeatureDescription d : arrayOutputs) {
            NdArray v = produced.get(d.getName());
            if (v == null) throw new FormworkException(artifact.source() + ": output '" + d.getName() + "' is not produced by the model");
            int[] declared = d.getType().getMultiArrayType().getShapeList().stream().mapToInt(Long::intValue).toArray();
            out[k++] = declared.length > 0 && NdArray.numel(declared) == v.size() ? v.reshape(declared) : v;
        }
        return out;
    }

    private static NdArray toFloat(NdArray a) {
        long[] l = a.longs();
        float[] f = new float[l.length];
        for (int k = 0; k < f.length; k++) f[k] = l[k];
        return NdArray.of(a.shape(), f);
    }

    @Override
    public void close() {
        // Nothing native to free.
    }
}
