package dev.formwork.golden.tflite;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.tflite.TfliteExporter;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.SubGraph;

/** Load, run the pass pipeline for the tflite profile, export, run on TFLite: what `convert --target tflite` does. */
final class TfliteArtifacts {
    static final int[] TO_NHWC = {0, 2, 3, 1};

    private TfliteArtifacts() {}




    static ExportOptions options(LoadedModel m) {
        return new ExportOptions().withName(m.name()).withMetadata("model", m.name());
    }

    /** The graph after {@code --passes selection} for the tflite profile (a copy; the loaded graph is untouched). */
    static Graph passes(LoadedModel m, String selection, ExportOptions o) {
        TargetProfile profile = new TfliteExporter().profile(o);
        Graph g = m.graph().copy();
        new PassManager().run(g, Pipelines.forTarget(selection, profile, o.gelu()), PassContext.of(profile).withGelu(o.gelu()), false);
        return g;
    }

    static Path export(Graph g, ExportOptions o, Path dir) throws IOException {
        TfliteExporter e = new TfliteExporter();
        Path p = dir.resolve(e.fileName(o.name() + "_" + o.precision() + "_" + o.tfliteInput()));
        e.check(g, o);
        e.write(g, o, p);
        return p;
    }

    /** Runs on TFLite; a 4-D NCHW input is transposed when the artifact takes NHWC. */
    static NdArray run(Path artifact, NdArray nchw, boolean xnnpack, int threads) {
        try (Session s = Runtimes.open(artifact, RunOptions.defaults().withXnnpack(xnnpack).withThreads(threads))) {
            int[] want = s.inputs().get(0).shape().toArray();
            NdArray in = java.util.Arrays.equals(want, nchw.shape()) ? nchw : ShapeOps.permute(nchw, TO_NHWC);
            return s.run(in)[0];
        }
    }

    /** Attention modules of a graph: the prefixes of its Softmax nodes ({@code ...token_mixer}, {@code ...attn}). */
    static List<String> attentionBlocks(Graph g) {
        List<String> out = new ArrayList<>();
        for (Node n : g.nodes()) if (n.is("Softmax")) out.add(n.name().substring(0, n.name().lastIndexOf('.')));
        return out;
    }

    /**
     * TRANSPOSE ops in the written file, by attention block (attributed by the output tensor's
     * name, which carries the module path); key "" collects the ones outside every block.
     */
    static Map<String, Integer> fileTransposes(Path tflite, List<String> blocks) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(tflite)).order(ByteOrder.LITTLE_ENDIAN);
        Model m = Model.getRootAsModel(bb);
        SubGraph g = m.subgraphs(0);
        Map<String, Integer> per = new LinkedHashMap<>();
        for (String b : blocks) per.put(b, 0);
        per.put("", 0);
        for (int i = 0; i < g.operatorsLength(); i++) {
            Operator op = g.operators(i);
            if (m.operatorCodes((int) op.opcodeIndex()).builtinCode() != BuiltinOperator.TRANSPOSE) continue;
            String name = g.tensors(op.outputs(0)).name();
            String owner = "";
            for (String b : blocks) if (name.startsWith(b + ".") || name.startsWith(b + "/")) owner = b;
            per.merge(owner, 1, Integer::sum);
        }
        return per;
    }
}
