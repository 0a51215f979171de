package dev.formwork.runtimes.tflite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Value;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BATCH_MATMUL (plain, adj_x/adj_y from transposes, broadcast constant LHS) and FULLY_CONNECTED. */
class MatMulWriterTest {
    @TempDir
    Path dir;

    @Test
    void batched() {
        TinyGraph t = new TinyGraph("bmm");
        Value a = t.in(2, 3, 4, 5), b = t.in(2, 3, 5, 6);
        assertTrue(TfliteHarness.check(t.out(t.op("MatMul", a, b)), dir) < 1e-5);
    }

    @Test
    void transposedOperandsBecomeAdjFlags() {
        TinyGraph t = new TinyGraph("bmm_adj");
        Value a = t.in(2, 3, 5, 4), b = t.in(2, 3, 6, 5);
        Value at = t.op("Transpose", Attributes.of("perm", new int[] {0, 1, 3, 2}), a);
        Value bt = t.op("Transpose", Attributes.of("perm", new int[] {0, 1, 3, 2}), b);
        assertTrue(TfliteHarness.check(t.out(t.op("MatMul", at, bt)), dir) < 1e-5);
    }

    @Test
    void constantLeftOperandBroadcastsOverBatch() {
        TinyGraph t = new TinyGraph("bmm_const");
        Value b = t.in(2, 8, 20);
        assertTrue(TfliteHarness.check(t.out(t.op("MatMul", t.c(8, 8), b)), dir) < 1e-5);
    }

    @Test
    void linearOnTokensAndVectors() {
        TinyGraph t = new TinyGraph("fc");
        Value x = t.in(2, 7, 6);
        Value tok = t.op("Linear", x, t.c(5, 6), t.c(5));                   // keep_num_dims
        Value mean = t.op("ReduceMean", Attributes.of("axes", new int[] {1}, "keepdims", 0), tok);
        Value vec = t.op("Linear", mean, t.c(3, 5));                          // rank 2, no bias
        assertTrue(TfliteHarness.check(t.out(vec, tok), dir) < 1e-5);
    }
}
