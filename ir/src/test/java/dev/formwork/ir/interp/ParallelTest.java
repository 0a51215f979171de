package dev.formwork.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.testutil.Naive;
import dev.formwork.ir.testutil.OpRunner;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernels split work over outputs (GEMM panels or row tiles, conv planes, softmax rows), never
 * along a reduction, so results must be bitwise identical for any thread count.
 */
class ParallelTest {
    private int saved;

    @BeforeEach
    void save() {
        saved = Parallel.threads();
    }

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
        assertEquals(saved, Parallel.threads());
    }

    private static void assertBitwiseSameAt1And2And3Threads(String what, Supplier<NdArray> run) {
        Parallel.setThreads(1);
        float[] one = run.get().data();
        for (int t : new int[] {2, 3}) {
            Parallel.setThreads(t);
            assertEquals(t, Parallel.threads());
            float[] many = run.get().data();
            assertEquals(one.length, many.length);
            for (int i = 0; i < one.length; i++) {
                if (Float.floatToRawIntBits(one[i]) != Float.floatToRawIntBits(many[i])) {
                    throw new AssertionError(what + ": element " + i + " differs between 1 and " + t + " threads: "
                            + one[i] + " vs " + many[i]);
                }
            }
        }
    }

    private static Attributes conv(int stride, int pad, int groups) {
        return Attributes.of("strides", new int[] {stride, stride}, "pads", new int[] {pad, pad, pad, pad}, "groups", groups);
    }

    @Test
    void convIsBitwiseIdentical() {
        NdArray x = Naive.randn(1, 2, 32, 28, 28);
        NdArray w = Naive.randn(2, 48, 32, 3, 3), b = Naive.randn(3, 48);
        assertBitwiseSameAt1And2And3Threads("dense conv", () -> OpRunner.run("Conv", conv(2, 1, 1), x, w, b));
        NdArray dw = Naive.randn(4, 32, 1, 3, 3);
        assertBitwiseSameAt1And2And3Threads("depthwise conv", () -> OpRunner.run("Conv", conv(1, 1, 32), x, dw));
        NdArray pw = Naive.randn(5, 64, 32, 1, 1);
        assertBitwiseSameAt1And2And3Threads("pointwise conv", () -> OpRunner.run("Conv", conv(1, 0, 1), x, pw));
    }

    @Test
    void gemmIsBitwiseIdentical() {
        // wide (split over panels), tall and narrow (split over row tiles), batched attention shapes
        int[][][] cases = {
            {{64, 300}, {300, 200}}, {{200, 70}, {70, 49}}, {{150, 64}, {64, 33}}, {{2, 8, 49, 32}, {2, 8, 32, 49}}, {{1, 7, 5}, {5, 1000}},
        };
        long seed = 10;
        for (int[][] c : cases) {
            NdArray a = Naive.randn(seed++, c[0]), b = Naive.randn(seed++, c[1]);
            assertBitwiseSameAt1And2And3Threads("MatMul " + java.util.Arrays.deepToString(c), () -> OpRunner.run("MatMul", a, b));
        }
        NdArray x = Naive.randn(20, 2, 49, 64), w = Naive.randn(21, 256, 64), bias = Naive.randn(22, 256);
        assertBitwiseSameAt1And2And3Threads("Linear", () -> OpRunner.run("Linear", Attributes.EMPTY, x, w, bias));
    }

    @Test
    void softmaxAndElementwiseAreBitwiseIdentical() {
        NdArray x = Naive.randn(30, 2, 8, 49, 49);
        assertBitwiseSameAt1And2And3Threads("softmax", () -> OpRunner.run("Softmax", x));
        assertBitwiseSameAt1And2And3Threads("softmax axis 1", () -> OpRunner.run("Softmax", Attributes.of("axis", 1), x));
        NdArray y = Naive.randn(31, 8, 49, 1);
        assertBitwiseSameAt1And2And3Threads("broadcast add", () -> OpRunner.run("Add", x, y));
        assertBitwiseSameAt1And2And3Threads("gelu", () -> OpRunner.run("Gelu", x));
    }

    @Test
    void forRangeCoversEveryIndexOnce() {
        for (int threads : new int[] {1, 2, 3}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {0, 1, 2, 7, 64, 1000, 4099}) {
                for (int grain : new int[] {1, 3, 64, 10_000}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    Parallel.forRange(n, grain, (lo, hi) -> {
                        assertTrue(lo < hi, "non-empty chunk");
                        for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
                    });
                    for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " grain=" + grain + " i=" + i);
                }
            }
        }
    }

    @Test
    void nestedForRangeRunsInline() {
        Parallel.setThreads(2);
        AtomicIntegerArray hits = new AtomicIntegerArray(100 * 50);
        Parallel.forRange(100, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int row = i;
                Parallel.forRange(50, 1, (a, b) -> {
                    for (int j = a; j < b; j++) hits.incrementAndGet(row * 50 + j);
                });
            }
        });
        int[] all = new int[100 * 50];
        for (int i = 0; i < all.length; i++) all[i] = hits.get(i);
        int[] ones = new int[all.length];
        java.util.Arrays.fill(ones, 1);
        assertArrayEquals(ones, all);
    }
}
