package dev.formwork.exporters.coreml.nn;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import dev.formwork.ir.FormworkException;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetwork;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Serialises a NeuralNetwork model layer by layer, each layer's weights written straight from
 * their tensors ({@link NnLayerEncoder}), whose lengths give the network's length prefix without
 * encoding anything first. The bytes are exactly those of the fully built message under
 * deterministic serialisation: Model fields 1 and 2 first, then the network (field 500, or 403
 * for a classifier) whose {@code layers} (field 1) precede its other fields.
 */
public final class NnStreamWriter {
    private NnStreamWriter() {}

    public static void write(NnModelWriter.Written w, OutputStream os) throws IOException {
        Model m = w.model();
        CodedOutputStream out = CodedOutputStream.newInstance(os, 1 << 16);
        out.useDeterministicSerialization();
        m.toBuilder().clearNeuralNetwork().clearNeuralNetworkClassifier().build().writeTo(out);
        List<NeuralNetworkLayer> layers;
        Message rest;
        int field;
        if (m.hasNeuralNetworkClassifier()) {
            layers = m.getNeuralNetworkClassifier().getLayersList();
            rest = m.getNeuralNetworkClassifier().toBuilder().clearLayers().build();
            field = Model.NEURALNETWORKCLASSIFIER_FIELD_NUMBER;
        } else {
            layers = m.getNeuralNetwork().getLayersList();
            rest = m.getNeuralNetwork().toBuilder().clearLayers().build();
            field = Model.NEURALNETWORK_FIELD_NUMBER;
        }
        NnLayerEncoder encoder = new NnLayerEncoder(w.weights());
        long size = rest.getSerializedSize();
        for (NeuralNetworkLayer l : layers) size += encoder.size(NeuralNetwork.LAYERS_FIELD_NUMBER, l);
        if (size > Integer.MAX_VALUE) throw new FormworkException("model is " + size + " bytes; a protobuf message (.mlmodel) is limited to 2 GB");
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag((int) size);
        for (NeuralNetworkLayer l : layers) encoder.write(NeuralNetwork.LAYERS_FIELD_NUMBER, l, out);
        rest.writeTo(out);
        out.flush();
    }
}
