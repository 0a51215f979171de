package dev.formwork.ir.op;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.testutil.OpRunner;
import org.junit.jupiter.api.Test;

/** Shape arithmetic in imported graphs moves int64 data through the data-movement ops. */
class Int64DataTest {
    private static NdArray longs(int[] shape, long... v) {
        return NdArray.ofLongs(shape, v);
    }

    @Test
    void gatherSliceSplitConcatKeepInt64() {
        NdArray shape = longs(new int[] {4}, 2, 8, 49, 32);
        NdArray idx = longs(new int[] {1}, 2);
        assertArrayEquals(new long[] {49}, OpRunner.run("Gather", Attributes.of("axis", 0), shape, idx).longs());
        assertArrayEquals(new long[] {8, 49},
                OpRunner.run("Slice", Attributes.of("axes", new int[] {0}, "starts", new int[] {1}, "ends", new int[] {3}), shape).longs());
        NdArray[] parts = OpRunner.runAll("Split", Attributes.of("axis", 0, "split", new int[] {1, 3}), shape);
        assertArrayEquals(new long[] {2}, parts[0].longs());
        assertArrayEquals(new long[] {8, 49, 32}, parts[1].longs());
        assertArrayEquals(new long[] {2, 8, 49, 32, 2},
                OpRunner.run("Concat", Attributes.of("axis", 0), shape, longs(new int[] {1}, 2)).longs());
    }
}
