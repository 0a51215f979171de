package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ArtifactReader;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.lite.schema.BatchMatMulOptions;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.SignatureDef;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;
import org.tensorflow.lite.schema.TensorType;
import org.tensorflow.lite.support.metadata.schema.ModelMetadata;

/**
 * Reads a {@code .tflite} file back for {@code inspect}: ops by builtin name, declared I/O (the
 * serving_default signature's names when there is one), parameters (elements of float constant
 * tensors), MACs of the convolutions and matrix products from tensor shapes, and details: schema
 * version, min_runtime_version, metadata entries and the TFLite model metadata.
 */
public final class TfliteReader implements ArtifactReader {
    @Override
    public boolean accepts(Path artifact) {
        return artifact.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tflite") && Files.isRegularFile(artifact);
    }

    @Override
    public ArtifactInfo read(Path artifact) {
        ByteBuffer bb = map(artifact);
        // The generated accessors trust every offset; a hostile file would send them anywhere.
        TfliteVerifier.verify(bb, artifact.toString());
        return read(artifact, bb);
    }

    private static ArtifactInfo read(Path file, ByteBuffer bb) {
        Model m = Model.getRootAsModel(bb);
        if (m.subgraphsLength() < 1) throw new FormworkException(file + ": TFLite model without subgraphs");
        SubGraph g = m.subgraphs(0);
        Map<String, Integer> ops = new TreeMap<>();
        long macs = 0;
        for (int i = 0; i < g.operatorsLength(); i++) {
            Operator op = g.operators(i);
            String name = opName(m.operatorCodes((int) op.opcodeIndex()));
            ops.merge(name, 1, Integer::sum);
            macs += macs(name, op, g);
        }
        // Constants are the tensors no operator writes and the caller does not feed. Deciding that
        // from the graph, not from each buffer's length, leaves the weight bytes untouched: the
        // file is mapped, and reading 700 buffer headers spread over it made ~150 MB of an L7
        // model resident just to count its parameters.
        java.util.BitSet computed = new java.util.BitSet(g.tensorsLength());
        for (int i = 0; i < g.operatorsLength(); i++) {
            Operator op = g.operators(i);
            for (int k = 0; k < op.outputsLength(); k++) if (op.outputs(k) >= 0) computed.set(op.outputs(k));
        }
        for (int i = 0; i < g.inputsLength(); i++) computed.set(g.inputs(i));
        long params = 0;
        for (int i = 0; i < g.tensorsLength(); i++) {
            Tensor t = g.tensors(i);
            boolean isFloat = t.type() == TensorType.FLOAT32 || t.type() == TensorType.FLOAT16;
            if (isFloat && t.buffer() > 0 && !computed.get(i)) params += shape(t).numel();
        }
        SignatureDef sig = m.signatureDefsLength() > 0 ? m.signatureDefs(0) : null;
        List<ArtifactInfo.Io> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        for (int i = 0; i < g.inputsLength(); i++) inputs.add(io(g, g.inputs(i), sig == null ? null : signatureName(sig, g.inputs(i), true)));
        for (int i = 0; i < g.outputsLength(); i++) outputs.add(io(g, g.outputs(i), sig == null ? null : signatureName(sig, g.outputs(i), false)));
        return new ArtifactInfo("tflite", params, macs, ops, inputs, outputs, details(m, g, bb));
    }

    private static Map<String, String> details(Model m, SubGraph g, ByteBuffer bb) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("schema_version", Long.toString(m.version()));
        d.put("description", m.description() == null ? "" : m.description());
        d.put("subgraph", g.name() == null ? "" : g.name());
        d.put("tensors", Integer.toString(g.tensorsLength()));
        d.put("buffers", Integer.toString(m.buffersLength()));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < m.metadataLength(); i++) {
            var meta = m.metadata(i);
            String name = nz(meta.name());
            names.add(name);
            ByteBuffer data = m.buffers((int) meta.buffer()).dataAsByteBuffer();
            if (data == null) continue;
            if (name.equals("min_runtime_version")) d.put("min_runtime_version", ascii(data));
            if (name.equals(TfliteMetadata.NAME)) modelMetadata(data, d);
        }
        d.put("metadata", String.join(",", names));
        List<String> sigs = new ArrayList<>();
        for (int i = 0; i < m.signatureDefsLength(); i++) sigs.add(m.signatureDefs(i).signatureKey());
        d.put("signatures", String.join(",", sigs));
        return d;
    }

    private static void modelMetadata(ByteBuffer data, Map<String, String> d) {
        ByteBuffer b = data.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (!TfliteVerifier.verifyMetadata(b, "TFLite model metadata")) return;
        ModelMetadata mm = ModelMetadata.getRootAsModelMetadata(b);
        d.put("model_metadata.name", nz(mm.name()));
        d.put("model_metadata.version", nz(mm.version()));
        d.put("model_metadata.author", nz(mm.author()));
        d.put("model_metadata.license", nz(mm.license()));
        d.put("model_metadata.min_parser_version", nz(mm.minParserVersion()));
        List<String> files = new ArrayList<>();
        for (int s = 0; s < mm.subgraphMetadataLength(); s++) {
            var sg = mm.subgraphMetadata(s);
            for (int o = 0; o < sg.outputTensorMetadataLength(); o++) {
                var tm = sg.outputTensorMetadata(o);
                for (int f = 0; f < tm.associatedFilesLength(); f++) files.add(tm.associatedFiles(f).name());
            }
        }
        d.put("model_metadata.associated_files", String.join(",", files));
    }

    /** max(builtin_code, deprecated_builtin_code), as the runtime reads it; custom ops by their custom code. */
    static String opName(OperatorCode c) {
        if (c.customCode() != null) return c.customCode();
        int code = Math.max(c.builtinCode(), c.deprecatedBuiltinCode());
        return code >= 0 && code < BuiltinOperator.names.length ? BuiltinOperator.name(code) : "BUILTIN_" + code;
    }

    private static long macs(String op, Operator o, SubGraph g) {
        if (o.outputsLength() < 1 || o.inputsLength() < 2) return 0;
        if (o.outputs(0) < 0 || o.inputs(0) < 0 || o.inputs(1) < 0) return 0; // an omitted operand: nothing to count
        long out = shape(g.tensors(o.outputs(0))).numel();
        Shape w = shape(g.tensors(o.inputs(1))), a = shape(g.tensors(o.inputs(0)));
        int need = switch (op) {
            case "CONV_2D" -> 4;
            case "DEPTHWISE_CONV_2D" -> 3;
            case "FULLY_CONNECTED" -> 2;
            default -> 0;
        };
        if (w.rank() < need || (op.equals("BATCH_MATMUL") && a.rank() < 2)) return 0; // not the layout Formwork counts
        return switch (op) {
            case "CONV_2D" -> out * w.dim(1) * w.dim(2) * w.dim(3);
            case "DEPTHWISE_CONV_2D" -> out * w.dim(1) * w.dim(2);
            case "FULLY_CONNECTED" -> out * w.dim(1);
            case "BATCH_MATMUL" -> {
                BatchMatMulOptions opt = (BatchMatMulOptions) o.builtinOptions(new BatchMatMulOptions());
                boolean adjX = opt != null && opt.adjX();
                yield out * (adjX ? a.dim(-2) : a.dim(-1));
            }
            default -> 0;
        };
    }

    private static ArtifactInfo.Io io(SubGraph g, int index, String name) {
        Tensor t = g.tensors(index);
        return new ArtifactInfo.Io(name != null ? name : t.name(), dtype(t.type()), shape(t));
    }

    private static String signatureName(SignatureDef s, int tensor, boolean input) {
        int n = input ? s.inputsLength() : s.outputsLength();
        for (int i = 0; i < n; i++) {
            var tm = input ? s.inputs(i) : s.outputs(i);
            if (tm.tensorIndex() == tensor) return tm.name();
        }
        return null;
    }

    private static Shape shape(Tensor t) {
        int[] d = new int[t.shapeLength()];
        for (int i = 0; i < d.length; i++) d[i] = t.shape(i);
        return Shape.of(d);
    }

    private static DType dtype(byte t) {
        return switch (t) {
            case TensorType.FLOAT32 -> DType.FLOAT32;
            case TensorType.FLOAT16 -> DType.FLOAT16;
            case TensorType.INT32 -> DType.INT32;
            case TensorType.INT64 -> DType.INT64;
            default -> throw new FormworkException("tensor type " + TensorType.name(t) + " is not supported");
        };
    }

    private static String ascii(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        int n = 0;
        while (n < a.length && a[n] != 0) n++;
        return new String(a, 0, n, StandardCharsets.US_ASCII);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static ByteBuffer map(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) throw new FormworkException(file + ": larger than 2 GB");
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new FormworkException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
