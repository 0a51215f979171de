package dev.formwork.frontends.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.formwork.frontends.onnx.OnnxFile.Attribute;
import dev.formwork.frontends.onnx.OnnxFile.Graph;
import dev.formwork.frontends.onnx.OnnxFile.Model;
import dev.formwork.frontends.onnx.OnnxFile.Node;
import dev.formwork.frontends.onnx.OnnxFile.TensorData;
import dev.formwork.frontends.onnx.OnnxFile.ValueInfo;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a ModelProto from a memory-mapped file with protobuf's wire reader. Bytes fields that
 * carry tensor data ({@code raw_data}) become slices of the mapping, so a 300 MB model costs its
 * page cache, not a second copy on the heap.
 *
 * <p>Field numbers are ONNX's (onnx.proto): ModelProto ir_version 1, producer_name 2, graph 7,
 * opset_import 8; GraphProto node 1, name 2, initializer 5, input 11, output 12, value_info 13;
 * NodeProto input 1, output 2, name 3, op_type 4, attribute 5, domain 7; AttributeProto name 1,
 * f 2, i 3, s 4, t 5, g 6, floats 7, ints 8, strings 9, type 20; TensorProto dims 1, data_type 2,
 * float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9, double_data 10, external_data 13;
 * ValueInfoProto name 1, type 2; TypeProto tensor_type 1 (elem_type 1, shape 2); dims: dim 1
 * (dim_value 1, dim_param 2).
 */
public final class OnnxWireReader {
    private final ByteBuffer file;
    private final CodedInputStream in;

    private OnnxWireReader(ByteBuffer file) {
        this.file = file;
        this.in = CodedInputStream.newInstance(file.duplicate());
        in.setSizeLimit(Integer.MAX_VALUE);
        in.setRecursionLimit(64);
    }

    /** Reads {@code path}; any malformed content is one error line naming the file. */
    public static Model read(Path path) {
        ByteBuffer bytes;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) throw new FormworkException(path + ": larger than 2 GB; store the weights as external data");
            bytes = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        } catch (NoSuchFileException e) {
            throw new FormworkException(path + ": no such file");
        } catch (IOException e) {
            throw new FormworkException(path + ": cannot read: " + e.getMessage());
        }
        return read(path, bytes);
    }

    /** Decodes an in-memory model; {@code path} names it in errors and anchors external data. */
    public static Model read(Path path, ByteBuffer bytes) {
        try {
            return new OnnxWireReader(bytes.order(ByteOrder.LITTLE_ENDIAN)).model(path);
        } catch (IOException | RuntimeException e) {
            if (e instanceof FormworkException f) throw f;
            throw new FormworkException(path + ": not a valid ONNX model (" + String.valueOf(e.getMessage()).replace('\n', ' ') + ")");
        }
    }

    /** Reads a file holding one serialized TensorProto (ONNX test data sets store inputs and outputs so). */
    public static TensorData readTensor(Path path) {
        try {
            byte[] bytes = Files.readAllBytes(path);
            OnnxWireReader r = new OnnxWireReader(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
            return r.tensorBody();
        } catch (NoSuchFileException e) {
            throw new FormworkException(path + ": no such file");
        } catch (IOException | RuntimeException e) {
            if (e instanceof FormworkException f) throw f;
            throw new FormworkException(path + ": not a TensorProto (" + e.getMessage() + ")");
        }
    }

    private Model model(Path path) throws IOException {
        long ir = -1;
        String producer = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        Graph graph = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> ir = in.readInt64();
                case 2 -> producer = in.readString();
                case 7 -> graph = message(this::graph);
                case 8 -> {
                    long[] version = {0};
                    String[] domain = {""};
                    message(() -> {
                        for (int t; (t = in.readTag()) != 0; ) {
                            switch (WireFormat.getTagFieldNumber(t)) {
                                case 1 -> domain[0] = in.readString();
                                case 2 -> version[0] = in.readInt64();
                                default -> in.skipField(t);
                            }
                        }
                        return null;
                    });
                    opsets.put(domain[0].equals("ai.onnx") ? "" : domain[0], version[0]);
                }
                default -> in.skipField(tag);
            }
        }
        if (graph == null || ir < 0) throw new FormworkException(path + ": not an ONNX model (no graph or no ir_version)");
        return new Model(path, ir, opsets, graph, producer);
    }

    private interface Body<T> {
        T read() throws IOException;
    }

    /**
     * The length prefix of a length-delimited field, checked against what is left of the
     * enclosing message (or the file). protobuf's pushLimit adds the length to the position in
     * an int: a length near 2^31 wraps to a negative limit that its direct-buffer decoder then
     * reads past, off the end of the mapping.
     */
    private int length() throws IOException {
        int at = in.getTotalBytesRead();
        int len = in.readRawVarint32();
        int left = in.getBytesUntilLimit();
        if (left < 0) left = file.limit() - in.getTotalBytesRead();
        if (len < 0 || len > left) {
            throw new IOException("the length " + (len & 0xffffffffL) + " at byte " + at + " runs past the end of its message ("
                    + left + " bytes left)");
        }
        return len;
    }

    /** Reads one length-delimited sub-message with {@code body}. */
    private <T> T message(Body<T> body) throws IOException {
        int limit = in.pushLimit(length());
        T t = body.read();
        in.popLimit(limit);
        return t;
    }

    private Graph graph() throws IOException {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<TensorData> inits = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>(), infos = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> nodes.add(message(this::node));
                case 2 -> name = in.readString();
                case 5 -> inits.add(tensor());
                case 11 -> inputs.add(message(this::valueInfo));
                case 12 -> outputs.add(message(this::valueInfo));
                case 13 -> infos.add(message(this::valueInfo));
                default -> in.skipField(tag);
            }
        }
        return new Graph(name, nodes, inits, inputs, outputs, infos);
    }

    private Node node() throws IOException {
        List<String> ins = new ArrayList<>(), outs = new ArrayList<>();
        String name = "", op = "", domain = "";
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> ins.add(in.readString());
                case 2 -> outs.add(in.readString());
                case 3 -> name = in.readString();
                case 4 -> op = in.readString();
                case 5 -> {
                    Attribute a = message(this::attribute);
                    attrs.put(a.name(), a);
                }
                case 7 -> domain = in.readString();
                default -> in.skipField(tag);
            }
        }
        return new Node(name, op, domain.equals("ai.onnx") ? "" : domain, ins, outs, attrs);
    }

    private Attribute attribute() throws IOException {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        ByteBuffer s = null;
        TensorData t = null;
        FloatList floats = new FloatList();
        LongList ints = new LongList();
        List<String> strings = new ArrayList<>();
        boolean graph = false;
        for (int tag; (tag = in.readTag()) != 0; ) {
            int field = WireFormat.getTagFieldNumber(tag);
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (field) {
                case 1 -> name = in.readString();
                case 2 -> f = in.readFloat();
                case 3 -> i = in.readInt64();
                case 4 -> s = bytes();
                case 5 -> t = tensor();
                case 6, 11 -> {
                    graph = true;
                    in.skipField(tag);
                }
                case 7 -> floats.read(this, packed);
                case 8 -> ints.read(this, packed);
                case 9 -> strings.add(in.readString());
                case 20 -> type = in.readInt32();
                default -> in.skipField(tag);
            }
        }
        if (type == 0) { // pre-IR-4 files leave the type out: infer it from the field present
            type = t != null ? Attribute.TENSOR : s != null ? Attribute.STRING : ints.size > 0 ? Attribute.INTS
                    : floats.size > 0 ? Attribute.FLOATS : !strings.isEmpty() ? Attribute.STRINGS : graph ? Attribute.GRAPH
                    : f != 0 ? Attribute.FLOAT : Attribute.INT;
        }
        return new Attribute(name, type, f, i, s, t, floats.toArray(), ints.toArray(), strings, graph);
    }

    /** A bytes field as a slice of the file (no copy). */
    private ByteBuffer bytes() throws IOException {
        int len = length();
        int at = in.getTotalBytesRead();
        in.skipRawBytes(len);
        return file.duplicate().position(at).limit(at + len).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private TensorData tensor() throws IOException {
        return message(this::tensorBody);
    }

    private TensorData tensorBody() throws IOException {
        LongList dims = new LongList(), int64 = new LongList();
        FloatList floats = new FloatList();
        LongList int32 = new LongList();
        List<Double> doubles = new ArrayList<>();
        int type = 0;
        String name = "";
        ByteBuffer raw = null;
        Map<String, String> external = new LinkedHashMap<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            boolean packed = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> dims.read(this, packed);
                case 2 -> type = in.readInt32();
                case 4 -> floats.read(this, packed);
                case 5 -> int32.read(this, packed);
                case 7 -> int64.read(this, packed);
                case 8 -> name = in.readString();
                case 9 -> raw = bytes();
                case 10 -> {
                    if (packed) {
                        int limit = in.pushLimit(length());
                        while (in.getBytesUntilLimit() > 0) doubles.add(in.readDouble());
                        in.popLimit(limit);
                    } else {
                        doubles.add(in.readDouble());
                    }
                }
                case 13 -> {
                    String[] kv = {"", ""};
                    message(() -> {
                        for (int t; (t = in.readTag()) != 0; ) {
                            switch (WireFormat.getTagFieldNumber(t)) {
                                case 1 -> kv[0] = in.readString();
                                case 2 -> kv[1] = in.readString();
                                default -> in.skipField(t);
                            }
                        }
                        return null;
                    });
                    external.put(kv[0], kv[1]);
                }
                default -> in.skipField(tag);
            }
        }
        long[] i32 = int32.toArray();
        int[] int32Data = new int[i32.length];
        for (int k = 0; k < i32.length; k++) int32Data[k] = (int) i32[k];
        return new TensorData(name, type, dims.toArray(), raw, floats.toArray(), int64.toArray(), int32Data,
                doubles.stream().mapToDouble(Double::doubleValue).toArray(), external);
    }

    private ValueInfo valueInfo() throws IOException {
        String name = "";
        int[] elem = {0};
        List<Object>[] dims = new List[1];
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> name = in.readString();
                case 2 -> message(() -> { // TypeProto
                    for (int t; (t = in.readTag()) != 0; ) {
                        if (WireFormat.getTagFieldNumber(t) != 1) {
                            in.skipField(t);
                            continue;
                        }
                        message(() -> { // TypeProto.Tensor
                            for (int u; (u = in.readTag()) != 0; ) {
                                switch (WireFormat.getTagFieldNumber(u)) {
                                    case 1 -> elem[0] = in.readInt32();
                                    case 2 -> dims[0] = message(this::shape);
                                    default -> in.skipField(u);
                                }
                            }
                            return null;
                        });
                    }
                    return null;
                });
                default -> in.skipField(tag);
            }
        }
        return new ValueInfo(name, elem[0], dims[0]);
    }

    private List<Object> shape() throws IOException {
        List<Object> dims = new ArrayList<>();
        for (int tag; (tag = in.readTag()) != 0; ) {
            if (WireFormat.getTagFieldNumber(tag) != 1) {
                in.skipField(tag);
                continue;
            }
            Object[] d = {null};
            message(() -> {
                for (int t; (t = in.readTag()) != 0; ) {
                    switch (WireFormat.getTagFieldNumber(t)) {
                        case 1 -> d[0] = in.readInt64();
                        case 2 -> d[0] = in.readString();
                        default -> in.skipField(t);
                    }
                }
                return null;
            });
            dims.add(d[0]);
        }
        return dims;
    }

    /** A growable long list that reads packed or unpacked varint fields. */
    private static final class LongList {
        long[] a = new long[4];
        int size;

        void add(long v) {
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        void read(OnnxWireReader r, boolean packed) throws IOException {
            CodedInputStream in = r.in;
            if (!packed) {
                add(in.readInt64());
                return;
            }
            int limit = in.pushLimit(r.length());
            while (in.getBytesUntilLimit() > 0) add(in.readInt64());
            in.popLimit(limit);
        }

        long[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }

    private static final class FloatList {
        float[] a = new float[4];
        int size;

        void add(float v) {
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        void read(OnnxWireReader r, boolean packed) throws IOException {
            CodedInputStream in = r.in;
            if (!packed) {
                add(in.readFloat());
                return;
            }
            int limit = in.pushLimit(r.length());
            while (in.getBytesUntilLimit() > 0) add(in.readFloat());
            in.popLimit(limit);
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(a, size);
        }
    }
}
