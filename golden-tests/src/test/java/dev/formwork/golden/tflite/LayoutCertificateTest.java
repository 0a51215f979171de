package dev.formwork.golden.tflite;

import dev.formwork.golden.GoldenData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.passes.layout.LayoutReport;
import dev.formwork.passes.layout.ToNhwcLayout;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The layout pass's numeric certificate on real models: the reference interpreter runs the NHWC
 * graph (slowly: its spatial kernels permute to NCHW and back) on the NHWC input and must give
 * the NCHW graph's logits within 1e-6 of their scale. Also structural: every spatial op NHWC,
 * the data-moving transposes all inside attention modules (V1: 2 per block, V2: 4).
 */
class LayoutCertificateTest {
    private static final Set<String> SPATIAL = Set.of("Conv", "AveragePool", "Resize", "SpaceToDepth");

    static LoadedModel load(String model) {
        if (model.startsWith("efficientformer")) return Models.load(model, LoadOptions.defaults());
        return GoldenData.load(model);
    }

    @ParameterizedTest(name = "{0} passes {1}")
    @CsvSource({
        "tiny_v1_64, none, 2", "tiny_v1_64, default, 2", "tiny_v2_64, none, 4", "tiny_v2_64, default, 4",
        "efficientformer-l1, default, 2", "s0_224, default, 4",
    })
    void nhwcGraphEqualsNchwGraph(String model, String passes, int perBlock) {
        LoadedModel m = load(model);
        Graph nchw = TfliteArtifacts.passes(m, passes, TfliteArtifacts.options(m));
        ToNhwcLayout.Result r = ToNhwcLayout.apply(nchw);
        Graph nhwc = r.graph();
        for (Node n : nhwc.nodes()) if (SPATIAL.contains(n.opType())) assertEquals("NHWC", n.s("layout"), n.name());

        List<String> blocks = TfliteArtifacts.attentionBlocks(nchw);
        LayoutReport rep = r.report();
        assertEquals(perBlock * blocks.size(), rep.dataTransposes(), rep.transposeNodes().toString());
        for (String t : rep.transposeNodes()) {
            assertTrue(blocks.stream().anyMatch(b -> t.startsWith(b + ".") || t.startsWith(b + "/")), "transpose outside attention: " + t);
        }

        NdArray x = SeededInput.gaussian(nchw.input(0).shape().toArray(), 1);
        NdArray want = new Interpreter(nchw).run(x)[0];
        NdArray got = new Interpreter(nhwc).run(ShapeOps.permute(x, TfliteArtifacts.TO_NHWC))[0];
        double rel = Comparison.of(got, want).relativeToScale();
        System.out.printf("layout certificate %s passes %s: %.2e of max|logit|; %s%n", model, passes, rel, rep.summary());
        assertTrue(rel <= 1e-6, model + ": " + rel);
    }

}
