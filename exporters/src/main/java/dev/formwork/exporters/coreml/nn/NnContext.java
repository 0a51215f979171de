package dev.formwork.exporters.coreml.nn;

import dev.formwork.exporters.coreml.CoreMlNames;
import dev.formwork.exporters.coreml.CoreMlSettings;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.LoadConstantNDLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an NN lowering sees: blob names of the IR values written so far, constants as
 * {@code loadConstantND} layers (each written once), weights (fp32 {@code floatValue}, or fp16
 * {@code float16Value} when fp16 was asked for, as placeholders until written) and the layer
 * list, kept in emission order, which is topological because a layer is added after the layers
 * it reads.
 */
public final class NnContext {
    private final CoreMlSettings settings;
    private final CoreMlNames layerNames = new CoreMlNames();
    private final CoreMlNames blobNames = new CoreMlNames();
    private final List<NeuralNetworkLayer> layers = new ArrayList<>();
    private final Map<Value, String> blobs = new IdentityHashMap<>();
    private final Map<String, int[]> shapes = new HashMap<>();
    private final Map<Value, String> reserved = new IdentityHashMap<>();
    private final java.util.Set<String> reservedUsed = new java.util.HashSet<>();
    private final NnWeights weights = new NnWeights();
    private boolean needsIos14;

    NnContext(CoreMlSettings settings) {
        this.settings = settings;
    }

    public CoreMlSettings settings() {
        return settings;
    }

    List<NeuralNetworkLayer> layers() {
        return layers;
    }

    CoreMlNames blobNames() {
        return blobNames;
    }

    /** Records that a layer needs specification 5 (iOS 14), e.g. half-pixel bilinear upsampling. */
    public void needsIos14() {
        needsIos14 = true;
    }

    boolean usesIos14() {
        return needsIos14;
    }

    void reserve(Value v, String name) {
        reserved.putIfAbsent(v, name);
    }

    /** Registers a blob (a model input) under {@code name}. */
    void bind(Value v, String name) {
        blobs.put(v, name);
        shapes.put(name, v.shape().toArray());
    }

    public String blobOf(Value v) {
        return v.isConstant() ? constant(v) : blobs.get(v);
    }

    /** Blob name of input {@code i}; a constant is loaded by a loadConstantND layer. */
    public String in(Node node, int i) {
        Value v = node.input(i);
        String b = blobOf(v);
        if (b == null) throw new IllegalStateException("value " + v.name() + " read by " + node.name() + " before it was written");
        return b;
    }

    /** Blob name for output {@code k}: its model-output name if it is one, else a fresh name. */
    public String out(Node node, int k) {
        Value v = node.output(k);
        String r = reserved.get(v);
        String name = r != null && reservedUsed.add(r) ? r : blobNames.unique(v.name());
        blobs.put(v, name);
        shapes.put(name, v.shape().toArray());
        return name;
    }

    /** A loadConstantND layer for IR constant {@code v} (rank 1..5; a scalar is loaded as [1]). */
    public String constant(Value v) {
        String b = blobs.get(v);
        if (b != null) return b;
        int[] shape = v.shape().rank() == 0 ? new int[] {1} : v.shape().toArray();
        b = constant(v.name(), v.constant(), shape);
        blobs.put(v, b);
        return b;
    }

    /** A loadConstantND layer holding {@code t} as {@code shape}. */
    public String constant(String base, Tensor t, int[] shape) {
        if (shape.length > 5) throw new FormworkException("constant " + base + " has rank " + shape.length + "; Core ML NeuralNetwork constants have rank 1..5");
        String name = blobNames.unique(base);
        LoadConstantNDLayerParams.Builder p = LoadConstantNDLayerParams.newBuilder().setData(weights(t));
        for (int d : shape) p.addShape(d);
        shapes.put(name, shape);
        add(NeuralNetworkLayer.newBuilder().setLoadConstantND(p), base, List.of(), List.of(name));
        return name;
    }

    /** A layer named after {@code base}, reading and writing the given blobs, with their ranks and shapes declared. */
    public void add(NeuralNetworkLayer.Builder layer, String base, List<String> inputs, List<String> outputs) {
        layer.setName(layerNames.unique(base)).addAllInput(inputs).addAllOutput(outputs);
        for (String i : inputs) layer.addInputTensor(tensor(i));
        for (String o : outputs) layer.addOutputTensor(tensor(o));
        layers.add(layer.build());
    }

    /** Declares a blob's shape (for blobs produced by auxiliary layers). */
    public String auxBlob(String base, int[] shape) {
        String name = blobNames.unique(base);
        shapes.put(name, shape.clone());
        return name;
    }

    /** Declares the shape of a blob whose exact name the caller reserved. */
    void declare(String name, int[] shape) {
        shapes.put(name, shape.clone());
    }

    private dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.Tensor tensor(String blob) {
        int[] s = shapes.get(blob);
        var t = dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.Tensor.newBuilder().setRank(s.length);
        for (int d : s) t.addDimValue(d);
        return t.build();
    }

    /** Weights in the requested precision (encoded when the layer is written, see {@link NnWeights}). */
    public WeightParams weights(Tensor t) {
        return weights.placeholder(t, settings.fp16());
    }

    /** Always float32 (LayerNormalization's gamma/beta must be). */
    public WeightParams fp32Weights(Tensor t) {
        return weights.placeholder(t, false);
    }

    NnWeights weightStore() {
        return weights;
    }

    public Tensor requireConstant(Node node, int i, String what) {
        if (!node.input(i).isConstant()) throw refuse(node, what + " must be a constant");
        return node.input(i).constant();
    }

    public static FormworkException refuse(Node node, String why) {
        return new FormworkException("node " + node.name() + " (" + node.opType() + "): Core ML NeuralNetwork: " + why);
    }
}
