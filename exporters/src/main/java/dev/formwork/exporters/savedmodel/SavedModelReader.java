package dev.formwork.exporters.savedmodel;

import com.google.protobuf.CodedInputStream;
import dev.formwork.exporters.ArtifactInfo;
import dev.formwork.exporters.ArtifactReader;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.proto.tensorflow.SavedModelProto.AttrValue;
import dev.formwork.proto.tensorflow.SavedModelProto.DataType;
import dev.formwork.proto.tensorflow.SavedModelProto.MetaGraphDef;
import dev.formwork.proto.tensorflow.SavedModelProto.NodeDef;
import dev.formwork.proto.tensorflow.SavedModelProto.SavedModel;
import dev.formwork.proto.tensorflow.SavedModelProto.SignatureDef;
import dev.formwork.proto.tensorflow.SavedModelProto.TensorInfo;
import dev.formwork.proto.tensorflow.SavedModelProto.TensorShapeProto;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a {@code .savedmodel} folder back for {@code inspect}: the {@code serve} meta graph's op
 * histogram (NodeDef op names), the {@code serving_default} signature's inputs and outputs,
 * parameters (elements of floating-point Const nodes), MACs of the convolutions and matrix
 * products ({@link GraphMacs}, from the {@code _output_shapes} the writer records) and details
 * (tags, signature, method, GraphDef producer version, whether weights live in variables/).
 */
public final class SavedModelReader implements ArtifactReader {
    @Override
    public boolean accepts(Path artifact) {
        return artifact.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".savedmodel") && Files.isDirectory(artifact);
    }

    @Override
    public ArtifactInfo read(Path artifact) {
        Path pb = artifact.resolve(SavedModelExporter.GRAPH_FILE);
        if (!Files.isRegularFile(pb)) throw new FormworkException(artifact + ": no " + SavedModelExporter.GRAPH_FILE + " in the SavedModel folder");
        SavedModel sm;
        try (FileChannel ch = FileChannel.open(pb, StandardOpenOption.READ)) {
            CodedInputStream in = CodedInputStream.newInstance(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
            in.setSizeLimit(Integer.MAX_VALUE);
            sm = SavedModel.parseFrom(in);
        } catch (IOException e) {
            throw new FormworkException(pb + ": not a valid SavedModel protobuf (" + e.getMessage() + ")");
        }
        MetaGraphDef mg = serve(sm, pb);
        SignatureDef sig = mg.getSignatureDefMap().get(SavedModelWriter.SIGNATURE);
        if (sig == null) throw new FormworkException(pb + ": no '" + SavedModelWriter.SIGNATURE + "' signature (has " + mg.getSignatureDefMap().keySet() + ")");
        Map<String, Integer> ops = new TreeMap<>();
        long params = 0;
        for (NodeDef n : mg.getGraphDef().getNodeList()) {
            ops.merge(n.getOp(), 1, Integer::sum);
            if (n.getOp().equals("Const")) params += floatElements(n);
        }
        Map<String, String> details = new LinkedHashMap<>();
        details.put("tags", String.join(",", mg.getMetaInfoDef().getTagsList()));
        details.put("signature", SavedModelWriter.SIGNATURE);
        details.put("method", sig.getMethodName());
        details.put("graph_def_producer", String.valueOf(mg.getGraphDef().getVersions().getProducer()));
        details.put("nodes", String.valueOf(mg.getGraphDef().getNodeCount()));
        details.put("weights", Files.isRegularFile(artifact.resolve(SavedModelExporter.VARIABLES_DIR).resolve("variables.index")) ? "variables" : "constants");
        return new ArtifactInfo("savedmodel", params, GraphMacs.of(mg.getGraphDef()), ops, ios(sig.getInputsMap(), pb), ios(sig.getOutputsMap(), pb), details);
    }

    private static MetaGraphDef serve(SavedModel sm, Path pb) {
        for (MetaGraphDef mg : sm.getMetaGraphsList()) if (mg.getMetaInfoDef().getTagsList().contains(SavedModelWriter.TAG)) return mg;
        throw new FormworkException(pb + ": no meta graph tagged '" + SavedModelWriter.TAG + "'");
    }

    private static long floatElements(NodeDef n) {
        AttrValue dt = n.getAttrMap().get("dtype"), v = n.getAttrMap().get("value");
        if (dt == null || v == null) return 0;
        DataType t = dt.getType();
        if (t != DataType.DT_FLOAT && t != DataType.DT_HALF && t != DataType.DT_BFLOAT16 && t != DataType.DT_DOUBLE) return 0;
        long e = 1;
        for (TensorShapeProto.Dim d : v.getTensor().getTensorShape().getDimList()) e *= Math.max(d.getSize(), 0);
        return e;
    }

    /** Signature tensors sorted by key (the map's order on disk is not meaningful). */
    private static List<ArtifactInfo.Io> ios(Map<String, TensorInfo> m, Path pb) {
        List<ArtifactInfo.Io> l = new ArrayList<>();
        for (var e : new TreeMap<>(m).entrySet()) {
            TensorInfo ti = e.getValue();
            long[] dims = new long[ti.getTensorShape().getDimCount()];
            for (int i = 0; i < dims.length; i++) dims[i] = ti.getTensorShape().getDim(i).getSize();
            l.add(new ArtifactInfo.Io(e.getKey(), dtype(ti.getDtype(), pb), Shape.of(dims)));
        }
        return l;
    }

    private static DType dtype(DataType t, Path pb) {
        return switch (t) {
            case DT_FLOAT -> DType.FLOAT32;
            case DT_HALF -> DType.FLOAT16;
            case DT_INT32 -> DType.INT32;
            case DT_INT64 -> DType.INT64;
            default -> throw new FormworkException(pb + ": signature tensor of type " + t + " (Formwork reads float and integer tensors)");
        };
    }
}
