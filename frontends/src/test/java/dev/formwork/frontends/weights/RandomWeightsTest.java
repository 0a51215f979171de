package dev.formwork.frontends.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import org.junit.jupiter.api.Test;

class RandomWeightsTest {
    @Test
    void sameSeedSameTensorsDifferentSeedDifferent() {
        Shape s = Shape.of(300, 200);
        Tensor a = new RandomWeights(0).take("stages.0.blocks.0.mlp.fc1.weight", s, Init.WEIGHT);
        Tensor b = new RandomWeights(0).take("stages.0.blocks.0.mlp.fc1.weight", s, Init.WEIGHT);
        Tensor c = new RandomWeights(1).take("stages.0.blocks.0.mlp.fc1.weight", s, Init.WEIGHT);
        Tensor d = new RandomWeights(0).take("stages.0.blocks.0.mlp.fc2.weight", s, Init.WEIGHT);
        assertTrue(a.contentEquals(b));
        assertFalse(a.contentEquals(c));
        assertFalse(a.contentEquals(d));
    }

    @Test
    void independentOfBuildOrder() {
        RandomWeights w = new RandomWeights(5);
        Tensor first = w.take("x", Shape.of(10), Init.BIAS);
        w.take("y", Shape.of(1000), Init.WEIGHT);
        assertTrue(first.contentEquals(w.take("x", Shape.of(10), Init.BIAS)));
    }

    @Test
    void wholeModelsAreReproducible() {
        Graph a = Models.load("efficientformerv2-s0", LoadOptions.defaults().withSeed(3)).graph();
        Graph b = Models.load("efficientformerv2-s0", LoadOptions.defaults().withSeed(3)).graph();
        Graph c = Models.load("efficientformerv2-s0", LoadOptions.defaults().withSeed(4)).graph();
        int differ = 0;
        for (Value v : a.constants()) {
            assertTrue(v.constant().contentEquals(b.constant(v.name()).constant()), v.name());
            if (!v.constant().contentEquals(c.constant(v.name()).constant())) differ++;
        }
        // Everything drawn differs; only computed buffers (index tables, scales, divisor) agree.
        assertTrue(differ > a.constants().size() - 20, differ + " of " + a.constants().size());
    }

    @Test
    void distributions() {
        RandomWeights w = new RandomWeights(0);
        float[] conv = w.take("w", Shape.of(64, 32, 3, 3), Init.WEIGHT).toFloatArray();
        assertEquals(1.0 / (32 * 9), variance(conv), 0.1 / (32 * 9));
        assertEquals(0.0, mean(conv), 0.005);
        float[] bias = w.take("b", Shape.of(20000), Init.BIAS).toFloatArray();
        assertEquals(0.01, variance(bias), 0.001);
        float[] ab = w.take("ab", Shape.of(8, 2000), Init.ATTENTION_BIAS).toFloatArray();
        assertEquals(1.0, variance(ab), 0.05);
        assertRange(w.take("g", Shape.of(5000), Init.NORM_WEIGHT).toFloatArray(), 0.8, 1.2);
        assertRange(w.take("v", Shape.of(5000), Init.RUNNING_VAR).toFloatArray(), 0.5, 2.0);
        assertRange(w.take("ls", Shape.of(5000), Init.LAYER_SCALE).toFloatArray(), 0.1, 0.4);
    }

    private static void assertRange(float[] a, double lo, double hi) {
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (float v : a) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= lo && max <= hi && min < lo + 0.01 && max > hi - 0.01, "[" + min + ", " + max + "]");
    }

    private static double mean(float[] a) {
        double s = 0;
        for (float v : a) s += v;
        return s / a.length;
    }

    private static double variance(float[] a) {
        double m = mean(a), s = 0;
        for (float v : a) s += (v - m) * (v - m);
        return s / a.length;
    }
}
