package dev.formwork.frontends.onnx;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX ModelProto the importer reads, as plain records. Tensor payloads stay
 * views of the model file's mapped bytes ({@link TensorData#raw}); nothing is copied while
 * reading.
 */
public final class OnnxFile {
    private OnnxFile() {}

    /** A model: IR version, opset per domain ("" = ai.onnx), the main graph, and the folder external data is relative to. */
    public record Model(Path file, long irVersion, Map<String, Long> opsets, Graph graph, String producer) {
        /** The default-domain opset (also imported as {@code ai.onnx}); 0 when absent. */
        public long defaultOpset() {
            Long v = opsets.get("");
            return v == null ? 0 : v;
        }
    }

    public record Graph(String name, List<Node> nodes, List<TensorData> initializers, List<ValueInfo> inputs,
            List<ValueInfo> outputs, List<ValueInfo> valueInfos) {}

    public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
            Map<String, Attribute> attributes) {
        /** Input {@code i}, or null when absent or the empty name (an omitted optional input). */
        public String input(int i) {
            return i < inputs.size() && !inputs.get(i).isEmpty() ? inputs.get(i) : null;
        }
    }

    /** One attribute; which fields are set follows {@code type} (ONNX AttributeType numbers). */
    public record Attribute(String name, int type, float f, long i, ByteBuffer s, TensorData t, float[] floats, long[] ints,
            List<String> strings, boolean hasGraph) {
        static final int FLOAT = 1, INT = 2, STRING = 3, TENSOR = 4, GRAPH = 5, FLOATS = 6, INTS = 7, STRINGS = 8;
    }

    /**
     * A tensor as stored: dims, ONNX data type, and either raw little-endian bytes, one of the
     * typed repeated fields, or an external-data reference ({@code location}, {@code offset},
     * {@code length}).
     */
    public record TensorData(String name, int dataType, long[] dims, ByteBuffer raw, float[] floatData, long[] int64Data,
            int[] int32Data, double[] doubleData, Map<String, String> external) {}

    /** A graph input/output: element type and dims (a Long, a String parameter, or null for an unknown dim); null dims = no shape. */
    public record ValueInfo(String name, int elemType, List<Object> dims) {}
}
