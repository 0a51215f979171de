package dev.formwork.exporters.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.FormworkVersion;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Lowers an NHWC-laid-out graph through the table, in graph order, into a {@link TflModel}, adds
 * the signature and metadata, and serializes it.
 */
final class TfliteWriter {
    private TfliteWriter() {}

    /** Refuses, naming the node, anything the lowerings cannot write. */
    static void check(Graph g, ExportOptions o) {
        for (Node n : g.nodes()) {
            OpLowering l = Lowerings.get(n.opType());
            if (l == null) {
                if (ConstantFolding.foldable(n)) continue;
                throw LoweringContext.refuse(n, "no TFLite lowering for " + n.opType());
            }
            l.check(n, o);
        }
    }

    /** Writes the model into {@code ch} from position 0; returns its length in bytes. */
    static long write(Graph g, ExportOptions o, FileChannel ch) throws IOException {
        LoweringContext cx = new LoweringContext(g, o);
        TflModel m = cx.model;
        for (Value in : g.inputs()) {
            m.inputs.add(cx.tensor(in));
            m.inputNames.add(in.name());
        }
        for (Node n : g.nodes()) {
            OpLowering l = Lowerings.get(n.opType());
            if (ConstantFolding.foldable(n)) ConstantFolding.fold(n, cx);
            else if (l == null) throw LoweringContext.refuse(n, "no TFLite lowering for " + n.opType());
            else l.lower(n, cx);
        }
        for (int i = 0; i < g.outputs().size(); i++) {
            m.outputs.add(cx.tensor(g.output(i)));
            m.outputNames.add(i == 0 ? "logits" : g.output(i).name());
        }
        m.description = "Formwork " + FormworkVersion.VERSION;
        m.subgraphName = g.name();
        addMetadata(g, o, m);
        return TflSerializer.write(m, ch);
    }

    /**
     * min_runtime_version: a 16-byte NUL-padded ASCII buffer with the newest runtime any op
     * version needs (informational, read by tooling); TFLITE_METADATA: the Support library's
     * model metadata.
     */
    private static void addMetadata(Graph g, ExportOptions o, TflModel m) {
        byte[] v = new byte[16];
        byte[] s = OpVersions.minRuntime(m.ops).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(s, 0, v, 0, Math.min(s.length, 15));
        m.metadata.add(new TflModel.Meta("min_runtime_version", m.addBuffer(ConstData.bytes(v))));
        Value in = g.input(0);
        boolean image = in.shape().rank() == 4 && in.shape().dim(3) == 3 && "NHWC".equals(g.metadata().get("input_layout"));
        byte[] meta = TfliteMetadata.build(g, o, in.name(), image, o.labels() != null);
        m.metadata.add(new TflModel.Meta(TfliteMetadata.NAME, m.addBuffer(ConstData.bytes(meta))));
    }
}
