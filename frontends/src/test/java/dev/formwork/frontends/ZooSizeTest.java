package dev.formwork.frontends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every zoo model with random weights: exact PyTorch parameter counts (spec section 4, both heads,
 * BN affine included, running statistics and index tables excluded) and MACs within 1.5% of the
 * published figures. L7 doubles as the build-speed check: 330 MB of random floats.
 */
class ZooSizeTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "efficientformer-l1, 12289928, 1.291e9",
        "efficientformer-l3, 31406000, 3.907e9",
        "efficientformer-l7, 82229328, 10.119e9",
        "efficientformerv2-s0, 3600256, 0.396e9",
        "efficientformerv2-s1, 6185560, 0.652e9",
        "efficientformerv2-s2, 12710112, 1.247e9",
        "efficientformerv2-l, 26322288, 2.553e9",
    })
    void parametersAndMacs(String name, long params, double macs) {
        long t0 = System.nanoTime();
        LoadedModel m = Models.load(name, LoadOptions.defaults());
        double seconds = (System.nanoTime() - t0) / 1e9;
        Graph g = m.graph();
        long gotMacs = g.macs();
        System.out.printf("%s: params %,d, MACs %,d (%.2f%% off %.3e), %d nodes, built in %.2f s%n", name, g.parameterCount(),
                gotMacs, 100 * (gotMacs - macs) / macs, macs, g.nodeCount(), seconds);
        assertEquals(params, g.parameterCount());
        assertTrue(Math.abs(gotMacs - macs) / macs <= 0.015, "MACs " + gotMacs + " vs " + macs);
        assertEquals(name, g.name());
        assertEquals(1, g.inputs().size());
        Value in = g.input(0);
        assertEquals("input", in.name());
        assertEquals("[1,3,224,224]", in.shape().toString());
        assertEquals("logits", g.output(0).name());
        assertEquals("[1,1000]", g.output(0).shape().toString());
        assertTrue(m.randomWeights());
        assertEquals(name, g.metadata().get("model"));
        assertEquals("0.485,0.456,0.406", g.metadata().get("input_mean"));
        assertEquals("0.229,0.224,0.225", g.metadata().get("input_std"));
    }
}
