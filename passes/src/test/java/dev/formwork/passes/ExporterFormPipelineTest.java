package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Graph;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mini networks in torch.onnx's form ({@link ExporterForm}) through the default pipeline end
 * with the same ops as the zoo form through it, and compute the same function.
 */
class ExporterFormPipelineTest {
    static Graph optimised(Graph g, TargetProfile profile) {
        new PassManager().run(g, Pipelines.forTarget("default", profile), PassContext.of(profile), false);
        return g;
    }

    @Test
    void exportedMiniModelsOptimiseToTheZoosOps() {
        TargetProfile noGelu = new TargetProfile("no-gelu", Set.of(), true, TargetProfile.Layout.NCHW, Check.reference().supportedOps());
        for (TargetProfile profile : new TargetProfile[] {Check.reference(), noGelu}) {
            for (Graph zoo : new Graph[] {MiniModels.v1(1, false), MiniModels.v2(2)}) {
                Graph exported = ExporterForm.of(zoo);
                assertTrue(Check.count(exported, "Erf") > 0 && Check.count(exported, "MatMul") > Check.count(zoo, "MatMul"), zoo.name());
                Check.equivalent(zoo, exported, 1e-5); // the decomposition itself is faithful
                Graph a = optimised(zoo.copy(), profile), b = optimised(exported, profile);
                assertEquals(a.opHistogram(), b.opHistogram(), zoo.name() + " on " + profile.target());
                Check.equivalent(a, b, 1e-5);
            }
        }
    }
}
