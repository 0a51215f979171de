package dev.formwork.runtimes.tflite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RESHAPE, TRANSPOSE, SPLIT_V, STRIDED_SLICE, CONCATENATION, SPACE_TO_DEPTH and constant Gathers. */
class ShapeWriterTest {
    @TempDir
    Path dir;

    @Test
    void tokenOps() {
        TinyGraph t = new TinyGraph("tokens");
        Value x = t.in(2, 6, 12);
        Value r = t.op("Reshape", Attributes.of("shape", new int[] {2, 6, 3, 4}), x);
        List<Value> parts = t.multi("Split", Attributes.of("axis", -1, "split", new int[] {1, 3}), r);
        Value tr = t.op("Transpose", Attributes.of("perm", new int[] {0, 2, 1, 3}), parts.get(1));
        Value sl = t.op("Slice", Attributes.of("axes", new int[] {2}, "starts", new int[] {1}, "ends", new int[] {6}, "steps", new int[] {2}), tr);
        Value cat = t.op("Concat", Attributes.of("axis", 2), sl, sl);
        Value fl = t.op("Flatten", Attributes.of("start", 1, "end", -1), cat);
        assertTrue(TfliteHarness.check(t.out(fl, parts.get(0)), dir) < 1e-5);
    }

    @Test
    void spaceToDepthOnMaps() {
        TinyGraph t = new TinyGraph("s2d");
        Value x = t.conv(t.in(2, 3, 8, 8), 4);
        Value y = t.op("SpaceToDepth", Attributes.of("blocksize", 2), x);
        assertTrue(TfliteHarness.check(t.out(t.conv(y, 3)), dir) < 1e-5);
    }

    @Test
    void constantGatherIsFolded() {
        TinyGraph t = new TinyGraph("gather");
        Value x = t.in(2, 3, 4, 4);
        Value idx = t.g.addBuffer("idx", Tensor.ofLongs(Shape.of(4, 4), 0, 1, 2, 3, 1, 0, 1, 2, 2, 1, 0, 1, 3, 2, 1, 0));
        Value bias = t.op("Gather", Attributes.of("axis", 1), t.c(3, 4), idx);
        Value s = t.op("Softmax", Attributes.of("axis", -1), t.op("Add", x, bias));
        assertTrue(TfliteHarness.check(t.out(s), dir) < 1e-5);
    }
}
