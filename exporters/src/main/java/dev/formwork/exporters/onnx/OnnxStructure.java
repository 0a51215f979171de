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
 * data_type 2, name 8) are ONNX's.
 */
final class OnnxStructure {
    private OnnxStructure() {}

    static ModelProto read(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            CodedInputStream in = CodedInputStream.newInstance(raw);
            in.setSizeLimit(Integer.MAX_VALUE);
            ModelProto.Builder m = ModelProto.newBuilder();
            for (int tag; (tag = in.readTag()) != 0; ) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case 1 -> m.setIrVersion(in.readInt64());
                    case 2 -> m.setProducerName(in.readString());
                    case 3 -> m.setProducerVersion(in.readString());
                    case 7 -> m.setGraph(graph(in));
                    case 8 -> m.addOpsetImport(OperatorSetIdProto.parseFrom(in.readBytes()));
                    case 14 -> m.addMetadataProps(StringStringEntryProto.parseFrom(in.readBytes()));
                    default -> in.skipField(tag);
                }
            }
            if (!m.hasGraph() || !m.hasIrVersion()) throw new FormworkException(file + ": not an ONNX model (no graph or no ir_version)");
            return m.build();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new FormworkException(file + ": no such file", e);
        } catch (IOException e) {
            throw new FormworkException(file + ": cannot read ONNX model: " + String.valueOf(e.getMessage()).replace('\n', ' '), e);
        }
    }

    private static GraphProto graph(CodedInputStream in) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        GraphProto.Builder g = GraphProto.newBuilder();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> g.addNode(NodeProto.parseFrom(in.readBytes()));
                case 2 -> g.setName(in.readString());
                case 5 -> g.addInitializer(initializerHeader(in));
                case 11 -> g.addInput(ValueInfoProto.parseFrom(in.readBytes()));
                case 12 -> g.addOutput(ValueInfoProto.parseFrom(in.readBytes()));
                case 13 -> g.addValueInfo(ValueInfoProto.parseFrom(in.readBytes()));
                default -> in.skipField(tag);
            }
        }
        in.popLimit(limit);
        return g.build();
    }

    /** An initializer's name, data type and dims; its data (raw or typed) is skipped. */
    private static TensorProto initializerHeader(CodedInputStream in) throws IOException {
        int limit = in.pushLimit(in.readRawVarint32());
        TensorProto.Builder t = TensorProto.newBuilder();
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            if (field == 1 && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
                t.addDims(in.readInt64());
            } else if (field == 1) {
                int packed = in.pushLimit(in.readRawVarint32());
                while (in.getBytesUntilLimit() > 0) t.addDims(in.readInt64());
                in.popLimit(packed);
            } else if (field == 2) {
                t.setDataType(in.readInt32());
            } else if (field == 8) {
                t.setName(in.readString());
            } else {
                in.skipField(tag);
            }
        }
        in.popLimit(limit);
        return t.build();
    }
}
