package dev.formwork.exporters.coreml.nn;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.formwork.ir.Half;
import dev.formwork.ir.Tensor;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;
import java.util.List;
import java.util.Map;

/**
 * Test helper: a lowered model built as one protobuf message, every weight placeholder replaced
 * by a WeightParams message built the plain way, the reference the streamed bytes are compared to.
 */
public final class WholeNnModel {
    private WholeNnModel() {}

    public static Model of(NnModelWriter.Written w) {
        Model m = w.model();
        Model.Builder b = m.toBuilder();
        if (m.hasNeuralNetworkClassifier()) {
            List<NeuralNetworkLayer> layers = m.getNeuralNetworkClassifier().getLayersList();
            b.getNeuralNetworkClassifierBuilder().clearLayers();
            for (NeuralNetworkLayer l : layers) b.getNeuralNetworkClassifierBuilder().addLayers(materialize(w.weights(), l));
        } else {
            List<NeuralNetworkLayer> layers = m.getNeuralNetwork().getLayersList();
            b.getNeuralNetworkBuilder().clearLayers();
            for (NeuralNetworkLayer l : layers) b.getNeuralNetworkBuilder().addLayers(materialize(w.weights(), l));
        }
        return b.build();
    }

    private static NeuralNetworkLayer materialize(NnWeights weights, NeuralNetworkLayer layer) {
        FieldDescriptor kind = NeuralNetworkLayer.getDescriptor().findFieldByNumber(layer.getLayerCase().getNumber());
        if (kind == null) return layer;
        Message params = (Message) layer.getField(kind);
        Message.Builder b = null;
        for (Map.Entry<FieldDescriptor, Object> e : params.getAllFields().entrySet()) {
            NnWeights.Pending p = e.getValue() instanceof WeightParams w ? weights.pending(w) : null;
            if (p == null) continue;
            if (b == null) b = params.toBuilder();
            b.setField(e.getKey(), p.fp16() ? fp16(p.tensor()) : fp32(p.tensor()));
        }
        return b == null ? layer : layer.toBuilder().setField(kind, b.build()).build();
    }

    private static WeightParams fp32(Tensor t) {
        WeightParams.Builder w = WeightParams.newBuilder();
        for (long i = 0; i < t.numel(); i++) w.addFloatValue(t.getFloat(i));
        return w.build();
    }

    private static WeightParams fp16(Tensor t) {
        int n = Math.toIntExact(t.numel());
        byte[] raw = new byte[n * 2];
        for (int i = 0; i < n; i++) {
            short h = Half.fromFloat(t.getFloat(i));
            raw[2 * i] = (byte) h;
            raw[2 * i + 1] = (byte) (h >> 8);
        }
        return WeightParams.newBuilder().setFloat16Value(ByteString.copyFrom(raw)).build();
    }
}
