package dev.formwork.passes.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.passes.ExporterForm;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Zoo models rewritten into torch.onnx's opset-13 form (erf GELU, decomposed LayerNorm, MatMul +
 * bias Add, BatchNorm as Mul/Add after its conv) end, after the default pipeline, with the same op
 * histogram as the zoo graph after it; the golden cases also still match expected.npy within the
 * golden tolerance.
 */
class ExporterFormModelsTest {
    private static Graph optimised(Graph g) {
        TargetProfile p = WholeModelPipelineTest.reference();
        new PassManager().run(g, Pipelines.forTarget("default", p), PassContext.of(p), false);
        return g;
    }

    @Test
    void goldenCasesInExportedFormOptimiseToTheZoosOpsAndStillMatchTheGoldens() throws Exception {
        for (String name : new String[] {"tiny_v1_64", "tiny_v2_64"}) {
            Path dir = TestData.golden(name);
            NdArray input = Npy.read(dir.resolve("input.npy"));
            Graph zoo = Models.load(dir.resolve("config.json").toString(),
                    LoadOptions.defaults().withBatch(input.dim(0)).withWeights(dir.resolve("weights.safetensors"))).graph();
            Graph exported = optimised(ExporterForm.of(zoo));
            assertEquals(optimised(zoo.copy()).opHistogram(), exported.opHistogram(), name);
            Comparison c = Comparison.of(new Interpreter(exported).run(input)[0], Npy.read(dir.resolve("expected.npy")));
            System.out.println(name + " in exported form, optimised, vs expected.npy: max abs " + c.maxAbs());
            assertTrue(c.maxAbs() <= 2e-5, name + " max abs " + c.maxAbs());
        }
    }

    @Test
    void l1AndS0InExportedFormOptimiseToTheZoosOps() {
        for (String model : new String[] {"efficientformer-l1", "efficientformerv2-s0"}) {
            Graph zoo = Models.load(model, LoadOptions.defaults().withSeed(5)).graph();
            assertEquals(optimised(zoo.copy()).opHistogram(), optimised(ExporterForm.of(zoo)).opHistogram(), model);
        }
    }
}
