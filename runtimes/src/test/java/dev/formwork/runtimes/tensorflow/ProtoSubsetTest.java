package dev.formwork.runtimes.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.AtomicOutput;
import dev.formwork.exporters.Digests;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import dev.formwork.runtimes.tensorflow.SavedModelHarness.Tiny;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;

/**
 * The project's own .proto subset against TensorFlow's: the written saved_model.pb parsed with
 * TensorFlow Java's generated classes has every field where TensorFlow expects it and nothing
 * TensorFlow does not know; and identical graphs give identical folders.
 */
class ProtoSubsetTest {
    @TempDir
    Path dir;

    static Graph sample() {
        Tiny t = new Tiny("sample");
        Value x = t.conv(t.in(1, 3, 8, 8), 4);
        Value y = t.op("LayerNorm", Attributes.of("axis", -1, "epsilon", 1e-5), t.op("ReduceMean", Attributes.of("axes", new int[] {2, 3}, "keepdims", 0), x), t.pos(4), t.c(4));
        return t.out(t.op("Linear", y, t.c(3, 4), t.c(3)));
    }

    @Test
    void tensorFlowsOwnClassesReadEveryField() throws Exception {
        Path p = SavedModelHarness.export(sample(), new ExportOptions().withName("sample"), dir);
        SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(p.resolve("saved_model.pb")));
        assertTrue(sm.getUnknownFields().asMap().isEmpty(), "no unknown top-level fields");
        assertEquals(1, sm.getSavedModelSchemaVersion());
        MetaGraphDef mg = sm.getMetaGraphs(0);
        assertTrue(mg.getUnknownFields().asMap().isEmpty() && mg.getGraphDef().getUnknownFields().asMap().isEmpty());
        assertEquals(java.util.List.of("serve"), mg.getMetaInfoDef().getTagsList());
        var sig = mg.getSignatureDefOrThrow("serving_default");
        assertEquals("tensorflow/serving/predict", sig.getMethodName());
        assertEquals("input:0", sig.getInputsOrThrow("input").getName());
        assertEquals(org.tensorflow.proto.DataType.DT_FLOAT, sig.getInputsOrThrow("input").getDtype());
        assertEquals(java.util.List.of(1L, 8L, 8L, 3L), sig.getInputsOrThrow("input").getTensorShape().getDimList().stream().map(d -> d.getSize()).toList());
        assertEquals("logits:0", sig.getOutputsOrThrow("logits").getName());
        assertEquals(1994, mg.getGraphDef().getVersions().getProducer());
        NodeDef conv = mg.getGraphDef().getNodeList().stream().filter(n -> n.getOp().equals("Conv2D")).findFirst().orElseThrow();
        assertEquals("SAME", conv.getAttrOrThrow("padding").getS().toStringUtf8());
        assertEquals(java.util.List.of(1L, 1L, 1L, 1L), conv.getAttrOrThrow("strides").getList().getIList());
        NodeDef filter = mg.getGraphDef().getNodeList().stream().filter(n -> n.getName().equals(conv.getInput(1))).findFirst().orElseThrow();
        var tensor = filter.getAttrOrThrow("value").getTensor();
        assertEquals(java.util.List.of(3L, 3L, 3L, 4L), tensor.getTensorShape().getDimList().stream().map(d -> d.getSize()).toList(), "HWIO");
        assertEquals(3 * 3 * 3 * 4 * 4, tensor.getTensorContent().size());
        for (NodeDef n : mg.getGraphDef().getNodeList()) assertTrue(n.getUnknownFields().asMap().isEmpty(), n.getName());
    }

    @Test
    void inspectCountsTheGraphsMacsAndParameters() {
        Graph g = sample();
        Path p = SavedModelHarness.export(g, new ExportOptions().withName("macs"), dir);
        var info = new dev.formwork.exporters.savedmodel.SavedModelReader().read(p);
        assertEquals(g.macs(), info.macs(), "conv + linear MACs from _output_shapes");
        // The IR's parameters, plus the LayerNorm epsilon scalar the writer adds.
        assertEquals(g.parameterCount() + 1, info.params());
        assertEquals("constants", info.details().get("weights"));
        assertEquals(1, info.ops().get("Conv2D"));
    }

    @Test
    void identicalGraphsGiveByteIdenticalFolders() throws Exception {
        String[] sha = new String[2];
        byte[][] pb = new byte[2][];
        for (int i = 0; i < 2; i++) {
            Path dest = Files.createDirectories(dir.resolve("r" + i)).resolve("sample.savedmodel");
            ExportOptions o = new ExportOptions().withName("sample").withPrecision(ExportOptions.Precision.FP16, true);
            AtomicOutput.write(dest, tmp -> new dev.formwork.exporters.savedmodel.SavedModelExporter().write(sample(), o, tmp));
            sha[i] = Digests.sha256(dest);
            pb[i] = Files.readAllBytes(dest.resolve("saved_model.pb"));
            assertTrue(Files.isDirectory(dest.resolve("variables")));
        }
        assertArrayEquals(pb[0], pb[1]);
        assertEquals(sha[0], sha[1]);
    }
}
