package dev.formwork.exporters.coreml.nn;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.formwork.ir.DType;
import dev.formwork.ir.Half;
import dev.formwork.ir.Tensor;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer weights, kept as references to the IR tensors while the network is lowered and encoded
 * one layer at a time when the file is written ({@link NnStreamWriter}), so an L7-sized model
 * never holds a second copy of all its weights.
 *
 * <p>A placeholder is a WeightParams whose {@code rawValue} is a private marker plus an index;
 * it never reaches a file: {@link NnLayerEncoder} writes the real floatValue (fp32) or
 * float16Value (fp16, little-endian halves) in its place.
 */
final class NnWeights {
    private static final byte[] MARK = {'F', 'W', 'W', 0};
    private static final int FLOAT_FIELD = WeightParams.FLOATVALUE_FIELD_NUMBER;
    private static final int FLOAT16_FIELD = WeightParams.FLOAT16VALUE_FIELD_NUMBER;
    private static final int CHUNK = 1 << 16;

    /** A weight the layer list refers to by placeholder: its tensor and the precision to write it in. */
    record Pending(Tensor tensor, boolean fp16) {}

    private final List<Pending> pending = new ArrayList<>();

    WeightParams placeholder(Tensor t, boolean fp16) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put(MARK).putInt(pending.size());
        pending.add(new Pending(t, fp16));
        return WeightParams.newBuilder().setRawValue(ByteString.copyFrom(b.array())).build();
    }

    /** The weight a placeholder stands for; null for any other WeightParams. */
    Pending pending(WeightParams w) {
        return isPlaceholder(w) ? pending.get(w.getRawValue().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getInt(4)) : null;
    }

    /**
     * Encoded length of the WeightParams {@link #fp32}/{@link #fp16} would build: the one packed
     * floatValue (field 1) or float16Value (field 2) field, absent when there are no values.
     */
    static long bodySize(Pending p) {
        long bytes = p.tensor.numel() * (p.fp16 ? 2 : 4);
        if (bytes == 0) return 0;
        return CodedOutputStream.computeTagSize(p.fp16 ? FLOAT16_FIELD : FLOAT_FIELD) + CodedOutputStream.computeUInt64SizeNoTag(bytes) + bytes;
    }

    /** Writes that WeightParams' fields straight from the tensor, a chunk of values at a time. */
    static void writeBody(Pending p, CodedOutputStream out) throws IOException {
        Tensor t = p.tensor;
        long n = t.numel();
        if (n == 0) return;
        int width = p.fp16 ? 2 : 4;
        out.writeTag(p.fp16 ? FLOAT16_FIELD : FLOAT_FIELD, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt64NoTag(n * width);
        if (!p.fp16 && t.dtype() == DType.FLOAT32) {
            // floatValue is little-endian IEEE floats, the tensor's own bytes
            ByteBuffer src = t.data();
            byte[] chunk = new byte[(int) Math.min(src.remaining(), CHUNK)];
            while (src.hasRemaining()) {
                int k = Math.min(chunk.length, src.remaining());
                src.get(chunk, 0, k);
                out.writeRawBytes(chunk, 0, k);
            }
            return;
        }
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(n * width, CHUNK)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < n; i++) {
            float v = t.getFloat(i);
            if (p.fp16) chunk.putShort(Half.fromFloat(v));
            else chunk.putFloat(v);
            if (!chunk.hasRemaining() || i == n - 1) {
                out.writeRawBytes(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
        }
    }

    private static boolean isPlaceholder(WeightParams w) {
        ByteString r = w.getRawValue();
        return r.size() == 8 && r.substring(0, 4).equals(ByteString.copyFrom(MARK));
    }
}
