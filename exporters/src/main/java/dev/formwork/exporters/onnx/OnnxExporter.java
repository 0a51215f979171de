package dev.formwork.exporters.onnx;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.Exporter;
import dev.formwork.exporters.FormworkVersion;
import dev.formwork.exporters.onnx.lower.GraphLowering;
import dev.formwork.exporters.onnx.lower.LoweringTable;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.passes.TargetProfile;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.OperatorSetIdProto;
import dev.formwork.proto.onnx.OnnxProto.StringStringEntryProto;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes an IR graph as an ONNX model ({@code NAME.onnx}) at opsets 13..22, float32 or float16.
 *
 * <p>Every IR op goes through the lowering table ({@link LoweringTable}, one small writer file
 * per op family). The file is deterministic: nodes in the graph's topological order,
 * initializers in first-use order, metadata in insertion order, no timestamps.
 *
 * <p>Memory: initializers wrap the tensors' own buffers and the model is streamed to a buffered
 * file stream with {@code writeTo}, so an L7 export (330 MB of weights) holds no second full copy
 * of the weights, neither as a byte array nor as a serialized message.
 */
public final class OnnxExporter implements Exporter {
    public static final String PRODUCER = "formwork";

    @Override
    public String target() {
        return "onnx";
    }

    @Override
    public String fileName(String name) {
        return name + ".onnx";
    }

    /**
     * Exact GELU stays one IR op at every opset: from 20 it is written as the Gelu op, below 20 as
     * PyTorch's Div(sqrt 2), Erf, Add(1), Mul(x), Mul(0.5), the chain ONNX Runtime's GeluFusion
     * turns back into one kernel. Decomposing it in the IR instead would let fold-layer-scale fold
     * the two constants away (two nodes fewer) and leave an Erf, Add, Mul that no runtime fuses:
     * three passes over the activation instead of one, which made the file slower than PyTorch's.
     * The tanh form is native from 20 only. LayerNormalization from 17; NCHW; the lowering
     * table's ops.
     */
    @Override
    public TargetProfile profile(ExportOptions options) {
        int opset = options.onnxOpset();
        OnnxOpsets.check(opset);
        Set<String> gelu = opset >= 20 ? Set.of("none", "tanh") : Set.of("none");
        return new TargetProfile(target(), gelu, opset >= 17, TargetProfile.Layout.NCHW, LoweringTable.supportedOps());
    }

    @Override
    public void check(Graph graph, ExportOptions options) {
        int opset = options.onnxOpset();
        OnnxOpsets.check(opset);
        for (Node n : graph.nodes()) {
            if (LoweringTable.writer(n.opType()) == null) {
                throw new FormworkException("node " + n.name() + " (" + n.opType() + "): not supported by the onnx exporter");
            }
            if (n.op().attribute("layout") != null && !"NCHW".equals(n.s("layout"))) {
                throw new FormworkException("node " + n.name() + " (" + n.opType() + "): layout " + n.s("layout")
                        + " not supported by the onnx exporter (NCHW only; NHWC is for tflite)");
            }
            if ((n.is("Reshape") || n.is("Flatten")) && opset < 14
                    && Arrays.stream(n.output().shape().toArray()).anyMatch(d -> d == 0)) {
                throw new FormworkException("node " + n.name() + " (" + n.opType() + "): an empty dimension needs Reshape allowzero, opset 14 or later");
            }
        }
    }

    @Override
    public void write(Graph graph, ExportOptions options, Path path) throws IOException {
        ModelProto model = toModel(graph, options);
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(path), 1 << 16)) {
            model.writeTo(os);
        }
    }

    /** The model message (for tests and in-memory use); {@link #write} streams the same message. */
    public ModelProto toModel(Graph graph, ExportOptions options) {
        check(graph, options);
        int opset = options.onnxOpset();
        DType compute = options.precision() == ExportOptions.Precision.FP16 ? DType.FLOAT16 : DType.FLOAT32;
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(OnnxOpsets.irVersion(opset))
                .setProducerName(PRODUCER)
                .setProducerVersion(FormworkVersion.VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(GraphLowering.lower(graph, opset, compute));
        for (Map.Entry<String, String> kv : metadata(graph, options).entrySet()) {
            m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(kv.getKey()).setValue(kv.getValue()));
        }
        return m.build();
    }

    /**
     * The export options' metadata in insertion order, then the graph's own metadata for keys the
     * options did not set, then {@code formwork_version} if nobody set it.
     */
    static Map<String, String> metadata(Graph graph, ExportOptions options) {
        Map<String, String> md = new LinkedHashMap<>(options.metadata());
        for (Map.Entry<String, String> kv : graph.metadata().entrySet()) md.putIfAbsent(kv.getKey(), kv.getValue());
        md.putIfAbsent("formwork_version", FormworkVersion.VERSION);
        return md;
    }
}
