package dev.formwork.exporters.savedmodel;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.tensorflow.SavedModelProto.DataType;
import dev.formwork.proto.tensorflow.SavedModelProto.GraphDef;
import dev.formwork.proto.tensorflow.SavedModelProto.MetaGraphDef;
import dev.formwork.proto.tensorflow.SavedModelProto.NodeDef;
import dev.formwork.proto.tensorflow.SavedModelProto.SavedModel;
import dev.formwork.proto.tensorflow.SavedModelProto.SignatureDef;
import dev.formwork.proto.tensorflow.SavedModelProto.TensorInfo;
import dev.formwork.proto.tensorflow.SavedModelProto.VersionDef;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Lowers an NHWC-laid-out graph through the table, in graph order, into a GraphDef with a
 * Placeholder {@code input} and an Identity {@code logits} (further inputs and outputs, which
 * only test graphs have, are {@code input_k} / {@code output_k}), and wraps it in the one
 * MetaGraphDef (tag {@code serve}, signature {@code serving_default}) of a SavedModel.
 */
final class SavedModelWriter {
    /** The serving tag and signature TensorFlow Serving and SavedModelBundle look for. */
    static final String TAG = "serve", SIGNATURE = "serving_default", METHOD = "tensorflow/serving/predict";
    /** GraphDef version of TensorFlow 2.18 (the runtime the tests run); every op written predates it. */
    static final int GRAPH_DEF_VERSION = 1994;
    static final String TENSORFLOW_VERSION = "2.18.0";

    private SavedModelWriter() {}

    /** Refuses, naming the node, anything the writers cannot write. */
    static void check(Graph g, ExportOptions o) {
        for (Node n : g.nodes()) {
            OpWriter w = Writers.get(n.opType());
            if (w == null) {
                if (foldable(n)) continue;
                throw TfGraph.refuse(n, "no TensorFlow lowering for " + n.opType());
            }
            w.check(n, o);
        }
        if (g.outputs().isEmpty()) throw new dev.formwork.ir.FormworkException("graph " + g.name() + " has no outputs");
    }

    static Model build(Graph g, ExportOptions o) {
        TfGraph tg = new TfGraph(g, o);
        SignatureDef.Builder sig = SignatureDef.newBuilder().setMethodName(METHOD);
        for (int i = 0; i < g.inputs().size(); i++) {
            Value in = g.input(i);
            String name = i == 0 ? TfGraph.INPUT : TfGraph.INPUT + "_" + i;
            tg.reserve(name);
            tg.nodes.add(NodeDef.newBuilder().setName(name).setOp("Placeholder")
                    .putAllAttr(TfAttrs.of().type("dtype", DataType.DT_FLOAT).shape("shape", in.shape()).map).build());
            tg.bind(in, name);
            sig.putInputs(name, info(name, in));
        }
        for (Node n : g.nodes()) {
            OpWriter w = Writers.get(n.opType());
            if (foldable(n)) fold(n, tg);
            else if (w == null) throw TfGraph.refuse(n, "no TensorFlow lowering for " + n.opType());
            else w.write(n, tg);
        }
        for (int i = 0; i < g.outputs().size(); i++) {
            Value out = g.output(i);
            String name = i == 0 ? TfGraph.OUTPUT : "output_" + i;
            tg.nodes.add(NodeDef.newBuilder().setName(name).setOp("Identity").addInput(tg.tensor(out)).putAllAttr(TfAttrs.floatT().map).build());
            sig.putOutputs(name, info(name, out));
        }
        MetaGraphDef info = MetaGraphDef.newBuilder()
                .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags(TAG).setTensorflowVersion(TENSORFLOW_VERSION)).build();
        MetaGraphDef signature = MetaGraphDef.newBuilder().putSignatureDef(SIGNATURE, sig.build()).build();
        return new Model(tg, tg.finish(), VersionDef.newBuilder().setProducer(GRAPH_DEF_VERSION).build(), info, signature);
    }

    /**
     * A SavedModel with one MetaGraphDef, in the parts {@link #serialize} writes one after the
     * other: the MetaGraphDef's meta_info_def and its signature_def (each alone in a
     * MetaGraphDef), and the GraphDef's nodes (permuted weights still placeholders) and versions.
     */
    record Model(TfGraph graph, List<NodeDef> nodes, VersionDef versions, MetaGraphDef info, MetaGraphDef signature) {
        /** The whole message, weights made (tests; the exporter streams instead). */
        SavedModel message() {
            GraphDef.Builder gd = GraphDef.newBuilder().setVersions(versions);
            for (NodeDef n : nodes) gd.addNode(graph.content(n));
            MetaGraphDef meta = info.toBuilder().mergeFrom(signature).setGraphDef(gd).build();
            return SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(meta).build();
        }
    }

    /**
     * The bytes of {@link Model#message()}'s deterministic serialization (fields in number order,
     * map entries sorted), written part by part: the length prefixes come from the placeholder
     * nodes, and each permuted weight is made just before its node is written and dropped after,
     * so the filters never sit in memory all at once (protobuf would need the whole message).
     */
    static void serialize(Model m, OutputStream out) throws IOException {
        CodedOutputStream cos = CodedOutputStream.newInstance(out, 1 << 16);
        cos.useDeterministicSerialization();
        long graphSize = CodedOutputStream.computeMessageSize(GraphDef.VERSIONS_FIELD_NUMBER, m.versions);
        for (NodeDef n : m.nodes) graphSize += CodedOutputStream.computeMessageSize(GraphDef.NODE_FIELD_NUMBER, n);
        int graph = Math.toIntExact(graphSize);
        int meta = Math.addExact(m.info.getSerializedSize() + m.signature.getSerializedSize(),
                CodedOutputStream.computeTagSize(MetaGraphDef.GRAPH_DEF_FIELD_NUMBER) + CodedOutputStream.computeUInt32SizeNoTag(graph) + graph);
        // SavedModel: saved_model_schema_version, then the one meta_graphs entry.
        cos.writeInt64(SavedModel.SAVED_MODEL_SCHEMA_VERSION_FIELD_NUMBER, 1);
        cos.writeTag(SavedModel.META_GRAPHS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        cos.writeUInt32NoTag(meta);
        // MetaGraphDef: meta_info_def (1), graph_def (2), signature_def (5).
        m.info.writeTo(cos);
        cos.writeTag(MetaGraphDef.GRAPH_DEF_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        cos.writeUInt32NoTag(graph);
        // GraphDef: node (1) in order, versions (4).
        for (NodeDef n : m.nodes) {
            NodeDef full = m.graph.content(n);
            if (full.getSerializedSize() != n.getSerializedSize()) throw new IllegalStateException("node " + n.getName() + " changed size when its weight was made");
            cos.writeMessage(GraphDef.NODE_FIELD_NUMBER, full);
        }
        cos.writeMessage(GraphDef.VERSIONS_FIELD_NUMBER, m.versions);
        m.signature.writeTo(cos);
        cos.flush();
    }

    private static TensorInfo info(String node, Value v) {
        return TensorInfo.newBuilder().setName(node + ":0").setDtype(DataType.DT_FLOAT).setTensorShape(TfAttrs.shapeProto(v.shape())).build();
    }

    /** A node over constants only (the attention-bias Gather, an unfolded Constant). */
    static boolean foldable(Node n) {
        for (Value v : n.inputs()) if (!v.isConstant()) return false;
        return true;
    }

    /** Evaluates such a node with its reference kernel and writes the result as constants. */
    private static void fold(Node n, TfGraph g) {
        NdArray[] args = new NdArray[n.inputCount()];
        for (int i = 0; i < args.length; i++) args[i] = NdArray.fromTensor(n.input(i).constant());
        NdArray[] res = n.op().compute(n, args);
        for (int i = 0; i < res.length; i++) {
            Value out = n.output(i);
            Tensor t = res[i].toTensor();
            g.bind(out, g.constant(out.name(), t.dtype() == out.dtype() ? t : t.cast(out.dtype())));
        }
    }
}
