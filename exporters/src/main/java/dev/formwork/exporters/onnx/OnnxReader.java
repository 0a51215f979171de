package dev.formwork.exporters.onnx;

import com.google.protobuf.CodedInputStream;
import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ArtifactReader;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.proto.onnx.OnnxProto.AttributeProto;
import dev.formwork.proto.onnx.OnnxProto.GraphProto;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.proto.onnx.OnnxProto.OperatorSetIdProto;
import dev.formwork.proto.onnx.OnnxProto.StringStringEntryProto;
import dev.formwork.proto.onnx.OnnxProto.TensorProto;
import dev.formwork.proto.onnx.OnnxProto.TensorShapeProto;
import dev.formwork.proto.onnx.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads an {@code .onnx} file back for {@code inspect}: parameter count (initializer elements),
 * op histogram, declared inputs/outputs, opset / IR version / producer / metadata, and MACs of
 * Conv, Gemm and MatMul when every shape they need is declared (Formwork's own files declare
 * them all in value_info; files without shapes report -1).
 */
public final class OnnxReader implements ArtifactReader {
    @Override
    public boolean accepts(Path artifact) {
        return artifact.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".onnx");
    }

    @Override
    public ArtifactInfo read(Path artifact) {
        OnnxStructure.Structure s = OnnxStructure.readWithSizes(artifact);
        OnnxGraphCheck.check(artifact, s);
        ModelProto m = s.model();
        GraphProto g = m.getGraph();
        long params = 0;
        for (TensorProto t : g.getInitializerList()) params += numel(t.getDimsList());
        Map<String, Integer> ops = new TreeMap<>();
        for (NodeProto n : g.getNodeList()) ops.merge(n.getOpType(), 1, Integer::sum);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("opset", opsetOf(m));
        details.put("ir_version", Long.toString(m.getIrVersion()));
        details.put("producer", (m.getProducerName() + " " + m.getProducerVersion()).trim());
        details.put("graph_name", g.getName());
        for (StringStringEntryProto kv : m.getMetadataPropsList()) details.put("metadata." + kv.getKey(), kv.getValue());
        return new ArtifactInfo("onnx", params, macs(g), ops, ios(g.getInputList(), g, artifact),
                ios(g.getOutputList(), g, artifact), details);
    }

    /**
     * Checks a foreign {@code .onnx} file's structure before a runtime loads it: the graph rules
     * and external-data locations of {@link OnnxGraphCheck}, from one streaming pass that skips
     * tensor bytes (and never opens an external-data file).
     */
    public static void validate(Path file) {
        OnnxGraphCheck.check(file, OnnxStructure.readWithSizes(file));
    }

    /** Parses the file, aliasing initializer bytes into the mapped file rather than copying them. */
    public static ModelProto parse(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) throw new FormworkException(file + ": larger than 2 GB, not a single-file ONNX model");
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            CodedInputStream in = CodedInputStream.newInstance(buf);
            in.enableAliasing(true);
            ModelProto m = ModelProto.parseFrom(in);
            if (!m.hasGraph() || !m.hasIrVersion()) throw new FormworkException(file + ": not an ONNX model (no graph or no ir_version)");
            return m;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new FormworkException(file + ": no such file", e);
        } catch (IOException e) {
            throw new FormworkException(file + ": cannot read ONNX model: " + oneLine(e.getMessage()), e);
        }
    }

    private static String oneLine(String s) {
        return s == null ? "unreadable" : s.replace('\n', ' ');
    }

    private static String opsetOf(ModelProto m) {
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) return Long.toString(o.getVersion());
        }
        return "none";
    }

    private static long numel(List<Long> dims) {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    private static List<ArtifactInfo.Io> ios(List<ValueInfoProto> vs, GraphProto g, Path file) {
        java.util.Set<String> inits = new java.util.HashSet<>();
        for (TensorProto t : g.getInitializerList()) inits.add(t.getName());
        List<ArtifactInfo.Io> out = new ArrayList<>();
        for (ValueInfoProto v : vs) {
            if (inits.contains(v.getName())) continue; // an overridable initializer, not a real input
            var tt = v.getType().getTensorType();
            long[] dims = dims(v);
            String name = FormworkException.shown(v.getName());
            if (dims != null && (dims.length > OnnxStructure.MAX_RANK || java.util.Arrays.stream(dims).anyMatch(d -> d > Integer.MAX_VALUE))) {
                throw new FormworkException(file + ": value '" + name + "': shape " + java.util.Arrays.toString(dims)
                        + " has too many or too large dimensions");
            }
            // Symbolic dimensions (dim_param) are reported as 0.
            Shape s = dims == null ? Shape.SCALAR : Shape.of(java.util.Arrays.stream(dims).map(d -> Math.max(d, 0)).toArray());
            out.add(new ArtifactInfo.Io(v.getName(), OnnxTypes.dtype(tt.getElemType(), file + ": value " + name), s));
        }
        return out;
    }

    /** Declared dims, -1 for a symbolic one; null without a shape. */
    private static long[] dims(ValueInfoProto v) {
        if (!v.getType().hasTensorType() || !v.getType().getTensorType().hasShape()) return null;
        List<TensorShapeProto.Dimension> ds = v.getType().getTensorType().getShape().getDimList();
        long[] r = new long[ds.size()];
        for (int i = 0; i < r.length; i++) r[i] = ds.get(i).hasDimValue() ? ds.get(i).getDimValue() : -1;
        return r;
    }

    /** MACs of Conv, Gemm and MatMul from declared shapes; -1 when a needed shape is unknown. */
    static long macs(GraphProto g) {
        Map<String, long[]> shapes = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) shapes.put(t.getName(), t.getDimsList().stream().mapToLong(Long::longValue).toArray());
        for (List<ValueInfoProto> l : List.of(g.getInputList(), g.getOutputList(), g.getValueInfoList())) {
            for (ValueInfoProto v : l) {
                long[] d = dims(v);
                if (d != null && java.util.Arrays.stream(d).allMatch(x -> x >= 0)) shapes.put(v.getName(), d);
            }
        }
        long total = 0;
        for (NodeProto n : g.getNodeList()) {
            String op = n.getOpType();
            if (!op.equals("Conv") && !op.equals("Gemm") && !op.equals("MatMul")) continue;
            if (n.getInputCount() < 2 || n.getOutputCount() < 1) return -1; // a malformed node: no MACs to count
            long[] a = shapes.get(n.getInput(0)), b = shapes.get(n.getInput(1)), y = shapes.get(n.getOutput(0));
            if (a == null || b == null || y == null) return -1;
            if ((op.equals("Gemm") && a.length != 2) || a.length == 0 || b.length == 0) return -1; // not a shape MACs can be counted from
            long out = 1;
            for (long d : y) out *= d;
            long k = switch (op) {
                case "Conv" -> java.util.Arrays.stream(b, 1, b.length).reduce(1, (x, z) -> x * z);
                case "Gemm" -> intAttr(n, "transA") != 0 ? a[0] : a[1];
                default -> a[a.length - 1];
            };
            total += out * k;
        }
        return total;
    }

    private static long intAttr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) if (a.getName().equals(name)) return a.getI();
        return 0;
    }
}
