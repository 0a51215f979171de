package dev.formwork.exporters.coreml.nn;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes a lowered layer with its weight placeholders replaced, writing each weight's values
 * straight from its tensor ({@link NnWeights#writeBody}) instead of building the WeightParams
 * message: no float list per weight, and the encoded length is known without encoding.
 *
 * <p>The bytes are those of {@link NnWeights#materialize}'s layer under deterministic
 * serialisation, because a message's encoding is its fields' encodings in field-number order:
 * the layer is split into runs of ordinary fields, serialised by protobuf as messages holding
 * just those fields, and the fields that hold placeholders (the layer's parameters, and in them
 * each WeightParams), whose length prefixes are recomputed.
 */
final class NnLayerEncoder {
    /** A piece of a message's encoding: ordinary fields, a weight, or a field holding weights. */
    private sealed interface Part permits Run, Weight, Nested {}

    private record Run(ByteString bytes) implements Part {}

    private record Weight(int field, NnWeights.Pending pending) implements Part {}

    private record Nested(int field, List<Part> body, long bodySize) implements Part {}

    private final NnWeights weights;

    NnLayerEncoder(NnWeights weights) {
        this.weights = weights;
    }

    /** Encoded length of the layer as field {@code field} of its network (tag and length prefix included). */
    long size(int field, NeuralNetworkLayer layer) {
        return fieldSize(field, bodySize(parts(layer)));
    }

    /** Writes the layer as field {@code field} of its network. */
    void write(int field, NeuralNetworkLayer layer, CodedOutputStream out) throws IOException {
        List<Part> parts = parts(layer);
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(Math.toIntExact(bodySize(parts)));
        write(parts, out);
    }

    private List<Part> parts(NeuralNetworkLayer layer) {
        FieldDescriptor kind = NeuralNetworkLayer.getDescriptor().findFieldByNumber(layer.getLayerCase().getNumber());
        return split(layer, f -> f.equals(kind) ? nested(f.getNumber(), (Message) layer.getField(f)) : null);
    }

    /** The parameters with every WeightParams placeholder as a Weight; null when they hold none. */
    private Part nested(int field, Message params) {
        boolean any = false;
        for (Object v : params.getAllFields().values()) any |= v instanceof WeightParams w && weights.pending(w) != null;
        if (!any) return null;
        List<Part> body = split(params, f -> params.getField(f) instanceof WeightParams w && weights.pending(w) != null
                ? new Weight(f.getNumber(), weights.pending(w)) : null);
        return new Nested(field, body, bodySize(body));
    }

    private interface Replacement {
        Part of(FieldDescriptor f);
    }

    /** The message's fields in encoding order, consecutive ordinary ones serialised together. */
    private static List<Part> split(Message m, Replacement replace) {
        List<Part> parts = new ArrayList<>();
        Message.Builder run = null;
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            Part p = replace.of(e.getKey());
            if (p == null) {
                if (run == null) run = m.newBuilderForType();
                run.setField(e.getKey(), e.getValue());
                continue;
            }
            if (run != null) parts.add(run(run.build()));
            run = null;
            parts.add(p);
        }
        if (run != null) parts.add(run(run.build()));
        if (m.getUnknownFields().getSerializedSize() > 0) parts.add(new Run(m.getUnknownFields().toByteString()));
        return parts;
    }

    private static Run run(Message fields) {
        ByteString.Output bytes = ByteString.newOutput(fields.getSerializedSize());
        try {
            CodedOutputStream o = CodedOutputStream.newInstance(bytes);
            o.useDeterministicSerialization();
            fields.writeTo(o);
            o.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Run(bytes.toByteString());
    }

    private static long bodySize(List<Part> parts) {
        long n = 0;
        for (Part p : parts) {
            if (p instanceof Run r) n += r.bytes().size();
            else if (p instanceof Weight w) n += fieldSize(w.field(), NnWeights.bodySize(w.pending()));
            else if (p instanceof Nested s) n += fieldSize(s.field(), s.bodySize());
        }
        return n;
    }

    private static long fieldSize(int field, long body) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt64SizeNoTag(body) + body;
    }

    private static void write(List<Part> parts, CodedOutputStream out) throws IOException {
        for (Part p : parts) {
            if (p instanceof Run r) {
                out.writeRawBytes(r.bytes());
            } else if (p instanceof Weight w) {
                out.writeTag(w.field(), WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(Math.toIntExact(NnWeights.bodySize(w.pending())));
                NnWeights.writeBody(w.pending(), out);
            } else if (p instanceof Nested s) {
                out.writeTag(s.field(), WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(Math.toIntExact(s.bodySize()));
                write(s.body(), out);
            }
        }
    }
}
