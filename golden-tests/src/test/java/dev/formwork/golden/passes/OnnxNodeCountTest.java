package dev.formwork.golden.passes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.onnx.OnnxExporter;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.PassReport;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Acceptance: on efficientformer-l1 the default pipeline writes an ONNX graph (opset 17) with at
 * least 30% fewer nodes than {@code --passes none} (which still legalizes: GELU has no native op
 * below opset 20, so lower-gelu runs in both). Nodes are counted in the written ModelProto.
 */
class OnnxNodeCountTest {
    private static int exportedNodes(Graph base, String passes, Map<String, Integer> histogram) {
        Graph g = base.copy();
        OnnxExporter onnx = new OnnxExporter();
        ExportOptions options = new ExportOptions().withOnnxOpset(17);
        TargetProfile profile = onnx.profile(options);
        PassReport r = new PassManager().run(g, Pipelines.forTarget(passes, profile), PassContext.of(profile), false);
        onnx.check(g, options);
        ModelProto m = onnx.toModel(g, options);
        for (NodeProto n : m.getGraph().getNodeList()) histogram.merge(n.getOpType(), 1, Integer::sum);
        System.out.println("--passes " + passes + ": IR " + r.nodesBefore() + " -> " + r.nodesAfter() + " nodes, ONNX "
                + m.getGraph().getNodeCount() + " nodes " + histogram);
        return m.getGraph().getNodeCount();
    }

    @Test
    void l1DefaultIsAtLeast30PercentBelowNone() {
        Graph l1 = Models.load("efficientformer-l1", LoadOptions.defaults()).graph();
        int none = exportedNodes(l1, "none", new TreeMap<>());
        int dflt = exportedNodes(l1, "default", new TreeMap<>());
        double reduction = 1.0 - (double) dflt / none;
        System.out.printf("ONNX nodes: none %d, default %d (%.1f%% fewer)%n", none, dflt, 100 * reduction);
        assertTrue(reduction >= 0.30, "default " + dflt + " vs none " + none + ": only " + 100 * reduction + "% fewer");
    }
}
