package dev.formwork.golden.savedmodel;

import dev.formwork.exporters.AtomicOutput;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.savedmodel.SavedModelExporter;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import dev.formwork.proto.tensorflow.SavedModelProto.NodeDef;
import dev.formwork.proto.tensorflow.SavedModelProto.SavedModel;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Load, run the pass pipeline for the savedmodel profile, export, run on TensorFlow Java: what `convert --target savedmodel` does. */
final class SavedModelArtifacts {
    static final int[] TO_NHWC = {0, 2, 3, 1};

    private SavedModelArtifacts() {}

    static ExportOptions options(LoadedModel m) {
        return new ExportOptions().withName(m.name()).withMetadata("model", m.name());
    }

    /** The graph after {@code --passes selection} for the savedmodel profile (a copy; the loaded graph is untouched). */
    static Graph passes(LoadedModel m, String selection, ExportOptions o) {
        TargetProfile profile = new SavedModelExporter().profile(o);
        Graph g = m.graph().copy();
        new PassManager().run(g, Pipelines.forTarget(selection, profile, o.gelu()), PassContext.of(profile).withGelu(o.gelu()), false);
        return g;
    }

    /** Checks and writes the folder the way convert does (temporary name, then rename). */
    static Path export(Graph g, ExportOptions o, Path dir) throws IOException {
        SavedModelExporter e = new SavedModelExporter();
        Path p = dir.resolve(e.fileName(o.name() + "_" + o.precision() + "_" + o.tfInput()));
        e.check(g, o);
        AtomicOutput.write(p, tmp -> e.write(g, o, tmp));
        return p;
    }

    /** Runs on TensorFlow Java; a 4-D NCHW input is transposed when the artifact takes NHWC. */
    static NdArray run(Path artifact, NdArray nchw, int threads) {
        try (Session s = Runtimes.open(artifact, RunOptions.defaults().withThreads(threads))) {
            int[] want = s.inputs().get(0).shape().toArray();
            NdArray in = java.util.Arrays.equals(want, nchw.shape()) ? nchw : ShapeOps.permute(nchw, TO_NHWC);
            return s.run(in)[0];
        }
    }

    /** Attention modules of a graph: the prefixes of its Softmax nodes. */
    static List<String> attentionBlocks(Graph g) {
        List<String> out = new ArrayList<>();
        for (Node n : g.nodes()) if (n.is("Softmax")) out.add(n.name().substring(0, n.name().lastIndexOf('.')));
        return out;
    }

    /** Transpose nodes in the written graph, by attention block (by node name); key "" collects the ones outside every block. */
    static Map<String, Integer> fileTransposes(Path savedModel, List<String> blocks) throws IOException {
        SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(savedModel.resolve(SavedModelExporter.GRAPH_FILE)));
        Map<String, Integer> per = new LinkedHashMap<>();
        for (String b : blocks) per.put(b, 0);
        per.put("", 0);
        for (NodeDef n : sm.getMetaGraphs(0).getGraphDef().getNodeList()) {
            if (!n.getOp().equals("Transpose")) continue;
            String owner = "";
            for (String b : blocks) if (n.getName().startsWith(b + ".") || n.getName().startsWith(b + "/")) owner = b;
            per.merge(owner, 1, Integer::sum);
        }
        return per;
    }
}
