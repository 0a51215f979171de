package dev.formwork.exporters.onnx.conformance;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto.DataType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One ONNX backend node test: {@code model.onnx} (one node) and {@code test_data_set_0/input_i.pb},
 * {@code output_j.pb} (serialized TensorProtos; raw_data or typed fields).
 */
public record NodeCase(String name, int opset, NodeProto node, List<String> inputNames, List<NdArray> inputs,
                       List<NdArray> outputs) {
    public static NodeCase load(Path dir) {
        try {
            ModelProto m = ModelProto.parseFrom(Files.readAllBytes(dir.resolve("model.onnx")));
            int opset = (int) m.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                    .findFirst().orElseThrow().getVersion();
            if (m.getGraph().getNodeCount() != 1) throw new IllegalArgumentException(dir + ": not a single-node case");
            List<String> names = new ArrayList<>();
            m.getGraph().getInputList().forEach(v -> names.add(v.getName()));
            Path data = dir.resolve("test_data_set_0");
            List<NdArray> ins = new ArrayList<>(), outs = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) ins.add(read(data.resolve("input_" + i + ".pb")));
            for (int j = 0; Files.exists(data.resolve("output_" + j + ".pb")); j++) outs.add(read(data.resolve("output_" + j + ".pb")));
            return new NodeCase(dir.getFileName().toString(), opset, m.getGraph().getNode(0), names, ins, outs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NdArray read(Path pb) throws IOException {
        return toArray(TensorProto.parseFrom(Files.readAllBytes(pb)));
    }

    /** float32 or int64 TensorProto -> NdArray. */
    public static NdArray toArray(TensorProto t) {
        int[] shape = t.getDimsList().stream().mapToInt(Long::intValue).toArray();
        int n = Math.toIntExact(NdArray.numel(shape));
        ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (t.getDataType() == DataType.FLOAT_VALUE) {
            float[] f = new float[n];
            if (t.hasRawData()) raw.asFloatBuffer().get(f);
            else for (int i = 0; i < n; i++) f[i] = t.getFloatData(i);
            return NdArray.of(shape, f);
        }
        if (t.getDataType() == DataType.INT64_VALUE) {
            long[] l = new long[n];
            if (t.hasRawData()) raw.asLongBuffer().get(l);
            else for (int i = 0; i < n; i++) l[i] = t.getInt64Data(i);
            return NdArray.ofLongs(shape, l);
        }
        throw new IllegalArgumentException("unsupported TensorProto data_type " + t.getDataType());
    }

    /** Whether the node's input {@code i} is given (present and not the empty name). */
    public boolean has(int i) {
        return i < node.getInputCount() && !node.getInput(i).isEmpty();
    }

    /** The case input fed to the node's input slot {@code i}. */
    public NdArray arg(int i) {
        return inputs.get(inputNames.indexOf(node.getInput(i)));
    }
}
