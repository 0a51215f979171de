package dev.formwork.runtimes.tflite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Value;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BatchNorm as MUL+ADD, LayerNorm decomposed, MEAN and SOFTMAX (beta 1). */
class NormReduceWriterTest {
    @TempDir
    Path dir;

    @Test
    void batchNormOnMapsAndVectors() {
        TinyGraph t = new TinyGraph("bn");
        Value x = t.conv(t.in(2, 3, 5, 5), 4);
        Value bn = t.op("BatchNorm", Attributes.of("epsilon", 1e-5), x, t.pos(4), t.c(4), t.c(4), t.pos(4));
        Value v = t.op("ReduceMean", Attributes.of("axes", new int[] {2, 3}, "keepdims", 0), bn);
        Value bn2 = t.op("BatchNorm", Attributes.of("epsilon", 1e-5), v, t.pos(4), t.c(4), t.c(4), t.pos(4));
        assertTrue(TfliteHarness.check(t.out(bn2), dir) < 1e-5);
    }

    @Test
    void layerNormOnTokens() {
        TinyGraph t = new TinyGraph("ln");
        Value x = t.in(2, 9, 16);
        Value y = t.op("LayerNorm", Attributes.of("axis", -1, "epsilon", 1e-5), x, t.pos(16), t.c(16));
        assertTrue(TfliteHarness.check(t.out(y), dir) < 1e-5);
    }

    @Test
    void meanKeepdimsAndSoftmax() {
        TinyGraph t = new TinyGraph("reduce");
        Value x = t.conv(t.in(2, 3, 6, 6), 4);
        Value m = t.op("ReduceMean", Attributes.of("axes", new int[] {1}, "keepdims", 1), x);
        Value s = t.op("Softmax", Attributes.of("axis", 1), t.op("Sub", x, m)); // channel softmax: last axis in NHWC
        Value tokens = t.in(2, 8, 8);
        Value st = t.op("Softmax", Attributes.of("axis", -1), tokens);
        assertTrue(TfliteHarness.check(t.out(t.conv(s, 2), st), dir) < 1e-5);
    }
}
