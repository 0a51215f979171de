package dev.formwork.passes.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.ir.op.OpDef;
import dev.formwork.ir.op.OpRegistry;
import dev.formwork.passes.FoldLayerScale;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.PassReport;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default pipeline on real zoo graphs: L1 and S0 (seeded random weights at 224), the golden
 * cases with their weights, and a patch-stem config. Every pass is certified (max error relative
 * to max|output| on one seeded gaussian input, through the reference interpreter) at <= 1e-5.
 */
class WholeModelPipelineTest {
    static final double CERTIFICATE = 1e-5;

    static TargetProfile reference() {
        return TargetProfile.reference(OpRegistry.all().stream().map(OpDef::name).collect(Collectors.toSet()));
    }

    static PassReport runDefault(Graph g, boolean check) {
        return runDefault(g, check, reference());
    }

    static PassReport runDefault(Graph g, boolean check, TargetProfile profile) {
        PassReport r = new PassManager().run(g, Pipelines.forTarget("default", profile), PassContext.of(profile), check);
        System.out.println("== " + g.name() + " ==\n" + r.summary() + "ops before " + r.histogramBefore() + "\nops after  " + r.histogramAfter());
        return r;
    }

    static void certificatesWithin(PassReport r) {
        for (PassReport.Entry e : r.passes()) {
            assertTrue(e.certificate() <= CERTIFICATE, e.name() + " certificate " + e.certificate());
        }
    }

    static int count(Graph g, String op) {
        return g.opHistogram().getOrDefault(op, 0);
    }

    @Test
    void l1SeededWeights() {
        Graph g = Models.load("efficientformer-l1", LoadOptions.defaults()).graph();
        int meta4d = (int) g.nodes().stream().filter(n -> n.is("AveragePool")).count();
        PassReport r = runDefault(g, true);
        certificatesWithin(r);
        assertEquals(0, count(g, "BatchNorm"));
        assertEquals(0, count(g, "Gather"));
        assertEquals(0, count(g, "Sub"));
        // Left: one multiply per pool mixer (P(x) by g/(1-g)), as carry-mixer-scale took each
        // x*(1-g) into the next Conv, plus the one Mul that carries the last stage's product into
        // the flatten; no foldable layer scale.
        assertEquals(meta4d + 1, count(g, "Mul"));
        assertFalse(new FoldLayerScale().run(g, PassContext.of(reference())).changed());
        assertTrue(r.nodesAfter() < r.nodesBefore());
    }

    /** As for ONNX below opset 20: no native GELU, so it is decomposed and its constants folded. */
    @Test
    void l1WithoutNativeGelu() {
        Graph g = Models.load("efficientformer-l1", LoadOptions.defaults().withSeed(1)).graph();
        int gelus = count(g, "Gelu"), meta4d = count(g, "AveragePool"), adds = count(g, "Add") - 1; // the heads' Add merges away
        TargetProfile noGelu = new TargetProfile("no-gelu", java.util.Set.of(), true, TargetProfile.Layout.NCHW, reference().supportedOps());
        PassReport r = runDefault(g, true, noGelu);
        certificatesWithin(r);
        assertEquals(0, count(g, "Gelu"));
        assertEquals(gelus, count(g, "Erf"));
        // Each GELU is Erf, Add, Mul: both constant factors went into fc1 and fc2. The mixers as in
        // l1SeededWeights.
        assertEquals(meta4d + 1 + gelus, count(g, "Mul"));
        assertEquals(adds + gelus, count(g, "Add"));
    }

    @Test
    void s0GoldenWeights() throws Exception {
        golden("s0_224", 5e-5);
    }

    @Test
    void tinyGoldenCases() throws Exception {
        golden("tiny_v1_64", 5e-5);
        golden("tiny_v2_64", 5e-5);
    }

    private static void golden(String name, double tol) throws Exception {
        Path dir = TestData.golden(name);
        Graph g = Models.load(dir.resolve("config.json").toString(),
                LoadOptions.defaults().withBatch(Npy.read(dir.resolve("input.npy")).dim(0)).withWeights(dir.resolve("weights.safetensors"))).graph();
        PassReport r = runDefault(g, true);
        certificatesWithin(r);
        assertEquals(0, count(g, "BatchNorm"), name);
        NdArray out = new Interpreter(g).run(Npy.read(dir.resolve("input.npy")))[0];
        Comparison c = Comparison.of(out, Npy.read(dir.resolve("expected.npy")));
        System.out.println(name + ": optimised graph vs expected.npy max abs " + c.maxAbs());
        assertTrue(c.maxAbs() <= tol, name + " max abs " + c.maxAbs());
    }

    @Test
    void patchStemConfig(@TempDir Path tmp) throws Exception {
        Path cfg = tmp.resolve("tiny_patch.json");
        Files.writeString(cfg, "{\"family\": \"efficientformer\", \"depths\": [1,1,2,2], \"embed_dims\": [16,32,48,64], \"num_vit\": 1,"
                + " \"num_classes\": 10, \"image_size\": 64, \"distillation\": true, \"stem\": \"patch\", \"patch_size\": 4}");
        Graph g = Models.load(cfg.toString(), LoadOptions.defaults().withSeed(7)).graph(), before = g.copy();
        PassReport r = runDefault(g, true);
        certificatesWithin(r);
        assertEquals(1, count(g, "SpaceToDepth"));
        for (Node n : g.nodes()) {
            if (n.is("Conv")) assertFalse(n.input(1).shape().dim(2) == 4, "large-kernel stem conv left: " + n.name());
        }
        NdArray[] in = PassContext.gaussianInputs(before, 3);
        double err = PassManager.certificate(new Interpreter(g).run(in), new Interpreter(before).run(in));
        assertTrue(err <= 1e-5, "patch-stem model differs by " + err);
    }
}
