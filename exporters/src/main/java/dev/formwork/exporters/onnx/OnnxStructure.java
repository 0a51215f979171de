package dev.formwork.exporters.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.formwork.ir.FormworkException;
import dev.formwork.proto.onnx.OnnxProto.GraphProto;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.OperatorSetIdProto;
import dev.formwork.proto.onnx.OnnxProto.StringStringEntryProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.proto.onnx.OnnxProto.ValueInfoProto;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an {@code .onnx} file's structure in one streaming pass and skips the tensor bytes:
 * the model, graph, nodes and value infos as usual, initializers with their name, type and dims
 * but no data. {@code inspect} and the conversion report only need that much, and for a 330 MB
 * model it costs a few MB instead of the file's size in memory.
 *
 * <p>Field numbers (ModelProto: ir_version 1, producer_name 2, producer_version 3, domain 4,
 * model_version 5, doc_string 6, graph 7, opset_import 8, metadata_props 14; GraphProto: node 1,
 * name 2, initializer 5, doc_string 10, input 11, output 12, value_info 13; TensorProto: dims 1,
 * data_type 2, name 8, raw_data 9, external_data 13, data_location 14; typed data float 4, int32 5,
 * int64 7, double 10, uint64 11) are ONNX's.
 *
 * <p>What the skipped data held is kept as {@link DataSize}s, one per initializer, so that
 * {@link OnnxGraphCheck} can compare declared dims with the bytes actually present. A tensor
 * rank above {@link #MAX_RANK} is refused while reading, before its dims are stored.
 */
final class OnnxStructure {
    /** Ranks beyond this are refused (ONNX models in the wild stay below 10). */
    static final int MAX_RANK = 64;

    /** The bytes of raw_data (-1 when absent) and the element count of the typed data fields of one initializer. */
    record DataSize(long rawBytes, long typedElements) {}

    /** The model without tensor data, and the data sizes of its initializers in order. */
    record Structure(ModelProto model, java.util.List<DataSize> data) {}

    private OnnxStructure() {}

    static ModelProto read(Path file) {
        return readWithSizes(file).model();
    }

    static Structure readWithSizes(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CodedInputStream in = CodedInputStream.newInstance(raw);
            in.setSizeLimit(Integer.MAX_VALUE);
            ModelProto.Builder m = ModelProto.newBuilder();
            java.util.List<DataSize> sizes = new java.util.ArrayList<>();
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> m.setIrVersion(in.readInt64());
                    case 2 -> m.setProducerName(in.readString());
                    case 3 -> m.setProducerVersion(in.readString());
                    case 7 -> {
                        sizes.clear();
                        m.setGraph(graph(in, sizes, file));
                    }
                    case 8 -> m.addOpsetImport(OperatorSetIdProto.parseFrom(in.readBytes()));
                    case 14 -> m.addMetadataProps(StringStringEntryProto.parseFrom(in.readBytes()));
                    default -> in.skipField(tag);
                }
            }
            if (!m.hasGraph() || !m.hasIrVersion()) throw new FormworkException(file + ": not an ONNX model (no graph or no ir_version)");
            return new Structure(m.build(), java.util.List.copyOf(sizes));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new FormworkException(file + ": no such file", e);
        } catch (IOException e) {
            throw new FormworkException(file + ": cannot read ONNX model: " + String.valueOf(e.getMessage()).replace('\n', ' '), e);
        }
    }

    private static GraphProto graph(CodedInputStream in, java.util.List<DataSize> sizes, Path file) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        GraphProto.Builder g = GraphProto.newBuilder();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> g.addNode(NodeProto.parseFrom(in.readBytes()));
                case 2 -> g.setName(in.readString());
                case 5 -> g.addInitializer(initializerHeader(in, sizes, file));
                case 11 -> g.addInput(ValueInfoProto.parseFrom(in.readBytes()));
                case 12 -> g.addOutput(ValueInfoProto.parseFrom(in.readBytes()));
                case 13 -> g.addValueInfo(ValueInfoProto.parseFrom(in.readBytes()));
                default -> in.skipField(tag);
            }
        }
        in.popLimit(limit);
        return g.build();
    }

    /**
     * An initializer's name, data type, dims and external-data entries; its data (raw or typed)
     * is skipped and only its size kept in {@code sizes}.
     */
    private static TensorProto initializerHeader(CodedInputStream in, java.util.List<DataSize> sizes, Path file) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        TensorProto.Builder t = TensorProto.newBuilder();
        long raw = -1, typed = 0;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            if (field == 1 && !packed) {
                addDim(t, in.readInt64(), file);
            } else if (field == 1) {
                int p = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) addDim(t, in.readInt64(), file);
                in.popLimit(p);
            } else if (field == 2) {
                t.setDataType(in.readInt32());
            } else if (field == 8) {
                t.setName(in.readString());
            } else if (field == 9 && packed) {
                int n = in.readRawVarint32();
                if (n < 0) throw new FormworkException(file + ": initializer '" + FormworkException.shown(t.getName()) + "': negative raw_data length");
                raw = n; // a repeated singular field: the last one wins
                in.skipRawBytes(n);
            } else if ((field == 4 || field == 10) && packed) {
                int n = in.readRawVarint32();
                if (n < 0) throw new FormworkException(file + ": initializer '" + FormworkException.shown(t.getName()) + "': negative data length");
                typed += n / (field == 4 ? 4 : 8);
                in.skipRawBytes(n);
            } else if (field == 4 || field == 10) {
                typed++;
                in.skipField(tag);
            } else if ((field == 5 || field == 7 || field == 11) && packed) {
                int p = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) {
                    in.readRawVarint64();
                    typed++;
                }
                in.popLimit(p);
            } else if (field == 5 || field == 7 || field == 11) {
                typed++;
                in.skipField(tag);
            } else if (field == 13 && packed) {
                t.addExternalData(StringStringEntryProto.parseFrom(in.readBytes()));
            } else if (field == 14 && !packed) {
                TensorProto.DataLocation loc = TensorProto.DataLocation.forNumber(in.readEnum());
                // An unknown location value is not DEFAULT either: treat it as external, which is checked.
                t.setDataLocation(loc == null ? TensorProto.DataLocation.EXTERNAL : loc);
            } else {
                in.skipField(tag);
            }
        }
        in.popLimit(limit);
        sizes.add(new DataSize(raw, typed));
        return t.build();
    }

    private static void addDim(TensorProto.Builder t, long d, Path file) {
        if (t.getDimsCount() >= MAX_RANK) {
            throw new FormworkException(file + ": initializer '" + FormworkException.shown(t.getName()) + "' has more than " + MAX_RANK + " dims");
        }
        t.addDims(d);
    }
}
