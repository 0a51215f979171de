package dev.formwork.exporters.coreml.nn;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Internal;
import com.google.protobuf.Message;
import dev.formwork.ir.DType;
import dev.formwork.ir.Half;
import dev.formwork.ir.Tensor;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Layer weights, kept as references to the IR tensors while the network is lowered and encoded
 * one layer at a time when the file is written ({@link NnStreamWriter}), so an L7-sized model
 * never holds a second copy of all its weights.
 *
 * <p>A placeholder is a WeightParams whose {@code rawValue} is a private marker plus an index;
 * it never reaches a file: {@link #materialize} replaces every one with the real floatValue
 * (fp32) or float16Value (fp16, little-endian halves).
 */
final class NnWeights {
    private static final byte[] MARK = {'F', 'W', 'W', 0};

    private record Pending(Tensor tensor, boolean fp16) {}

    private final List<Pending> pending = new ArrayList<>();

    WeightParams placeholder(Tensor t, boolean fp16) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put(MARK).putInt(pending.size());
        pending.add(new Pending(t, fp16));
        return WeightParams.newBuilder().setRawValue(ByteString.copyFrom(b.array())).build();
    }

    /** The layer with its placeholders replaced by encoded weights. */
    NeuralNetworkLayer materialize(NeuralNetworkLayer layer) {
        FieldDescriptor kind = NeuralNetworkLayer.getDescriptor().findFieldByNumber(layer.getLayerCase().getNumber());
        if (kind == null) return layer;
        Message params = (Message) layer.getField(kind);
        Message.Builder b = null;
        for (Map.Entry<FieldDescriptor, Object> e : params.getAllFields().entrySet()) {
            if (e.getValue() instanceof WeightParams w && isPlaceholder(w)) {
                if (b == null) b = params.toBuilder();
                Pending p = pending.get(w.getRawValue().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt(4));
                b.setField(e.getKey(), p.fp16 ? fp16(p.tensor) : fp32(p.tensor));
            }
        }
        return b == null ? layer : layer.toBuilder().setField(kind, b.build()).build();
    }

    private static boolean isPlaceholder(WeightParams w) {
        ByteString r = w.getRawValue();
        return r.size() == 8 && r.substring(0, 4).equals(ByteString.copyFrom(MARK));
    }

    /** float32 values, collected in a list allocated at its final size and handed over in one copy. */
    static WeightParams fp32(Tensor t) {
        int n = Math.toIntExact(t.numel());
        WeightParams.Builder w = WeightParams.newBuilder();
        if (WeightParams.getDefaultInstance().getFloatValueList() instanceof Internal.FloatList empty) {
            Internal.FloatList values = empty.mutableCopyWithCapacity(n);
            fill(t, n, values::addFloat);
            return w.addAllFloatValue(values).build();
        }
        fill(t, n, w::addFloatValue);
        return w.build();
    }

    private interface FloatSink {
        void add(float v);
    }

    private static void fill(Tensor t, int n, FloatSink sink) {
        if (t.dtype() == DType.FLOAT32) {
            java.nio.FloatBuffer b = t.asFloatBuffer();
            for (int i = 0; i < n; i++) sink.add(b.get(i));
        } else {
            for (int i = 0; i < n; i++) sink.add(t.getFloat(i));
        }
    }

    static WeightParams fp16(Tensor t) {
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
