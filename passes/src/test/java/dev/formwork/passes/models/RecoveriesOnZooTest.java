package dev.formwork.passes.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.passes.Pass;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassRegistry;
import dev.formwork.passes.PassResult;
import dev.formwork.testing.TestData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The passes that recover ops from exporter decompositions find nothing in the zoo's own graphs,
 * which already use Gelu, LayerNorm, Linear and BatchNorm: run where the default pipeline runs
 * them (after fold-constants) and on the graph as loaded, they change nothing.
 */
class RecoveriesOnZooTest {
    static final List<String> RECOVERIES =
            List.of("cancel-data-movement", "recover-gelu", "recover-layer-norm", "recover-linear", "fold-conv-affine");

    @Test
    void zooGraphsAreLeftUnchanged() throws Exception {
        PassRegistry registry = PassRegistry.standard();
        PassContext ctx = PassContext.of(WholeModelPipelineTest.reference());
        String[] models = {"efficientformer-l1", "efficientformerv2-s0",
            TestData.golden("tiny_v1_64").resolve("config.json").toString(), TestData.golden("tiny_v2_64").resolve("config.json").toString()};
        for (String model : models) {
            for (boolean folded : new boolean[] {false, true}) {
                Graph g = Models.load(model, LoadOptions.defaults().withSeed(3)).graph();
                if (folded) registry.get("fold-constants").run(g, ctx);
                Map<String, Integer> h = g.opHistogram();
                int constants = g.constants().size();
                for (String name : RECOVERIES) {
                    Pass p = registry.get(name);
                    PassResult r = p.run(g, ctx);
                    assertFalse(r.changed(), name + " changed " + model + (folded ? " after fold-constants" : "") + ": " + r.summary());
                }
                assertEquals(h, g.opHistogram(), model);
                assertEquals(constants, g.constants().size(), model);
            }
        }
    }
}
