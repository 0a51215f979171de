package dev.formwork.passes.layout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One rule at a time, on small image graphs: numerically certified, with the expected data movement. */
class LayoutRulesTest {
    private static MiniNets image(String name) {
        MiniNets m = new MiniNets(name, 3);
        m.conv("c0", m.input(2, 3, 6, 6), 4, 3, 1, 1, 1);
        return m;
    }

    private static LayoutReport check(MiniNets m, Value out, int expectedTransposes) {
        m.g.addOutput(out);
        GraphVerifier.verify(m.g);
        ToNhwcLayout.Result r = ToNhwcLayout.apply(m.g);
        assertTrue(LayoutCheck.certify(m.g, r.graph()) <= 1e-6, "numeric certificate");
        assertEquals(expectedTransposes, r.report().dataTransposes(), r.report().transposeNodes().toString());
        return r.report();
    }

    private static Value c0(MiniNets m) {
        return m.g.value("c0");
    }

    @Test
    void channelSoftmaxIsLastAxisInNhwc() {
        MiniNets m = image("softmax_c");
        Value s = m.op("Softmax", "sm", Attributes.of("axis", 1), c0(m));
        check(m, m.conv("c1", s, 2, 3, 1, 1, 1), 0);
    }

    @Test
    void softmaxOverWidthMovesTheMap() {
        MiniNets m = image("softmax_w");
        Value s = m.op("Softmax", "sm", Attributes.of("axis", 3), c0(m));
        check(m, m.conv("c1", s, 2, 3, 1, 1, 1), 2);
    }

    @Test
    void concatSliceAndReduceMeanRenameAxes() {
        MiniNets m = image("concat");
        Value b = m.conv("c1", c0(m), 4, 1, 1, 0, 1);
        Value cat = m.op("Concat", "cat", Attributes.of("axis", 1), c0(m), b);
        Value sl = m.op("Slice", "sl", Attributes.of("axes", new int[] {2, 1}, "starts", new int[] {1, 2}, "ends", new int[] {5, 7}), cat);
        Value mean = m.op("ReduceMean", "mean", Attributes.of("axes", new int[] {1}, "keepdims", 1), sl);
        Value pooled = m.op("ReduceMean", "pool", Attributes.of("axes", new int[] {2, 3}, "keepdims", 0), m.op("Add", "add", Attributes.EMPTY, sl, mean));
        check(m, pooled, 0);
    }

    /**
     * The ops ONNX import brings (MobileNetV3-style HardSwish and MaxPool, attention written with
     * exp / sum / amax): unary ops keep the layout, MaxPool runs NHWC, and the reductions' axes,
     * negative ones included, are renamed to NHWC positions, with and without keepdims.
     */
    @Test
    void importedOpsKeepMapsNhwc() {
        MiniNets m = image("imported");
        Value hs = m.op("HardSwish", "hs", Attributes.EMPTY, c0(m));
        Value mp = m.op("MaxPool", "mp", Attributes.of("kernel", new int[] {3, 3}, "strides", new int[] {2, 2}, "pads", new int[] {1, 1, 1, 1}), hs);
        Value e = m.op("Exp", "exp", Attributes.EMPTY, mp);
        Value sum = m.op("ReduceSum", "sum", Attributes.of("axes", new int[] {1}, "keepdims", 1), e);
        Value att = m.op("Div", "div", Attributes.EMPTY, e, sum);
        Value c1 = m.conv("c1", att, 4, 3, 1, 1, 1);
        Value max = m.op("ReduceMax", "amax", Attributes.of("axes", new int[] {-1, -2}, "keepdims", 0), c1); // [2,4]
        check(m, max, 0);
        ToNhwcLayout.Result r = ToNhwcLayout.apply(m.g);
        LayoutCheck.allSpatialNhwc(r.graph());
        for (dev.formwork.ir.Node n : r.graph().nodes()) {
            if (n.name().equals("sum")) assertArrayEquals(new long[] {3}, n.ints("axes"), "channel axis is last in NHWC");
            if (n.name().equals("amax")) assertArrayEquals(new long[] {1, 2}, n.ints("axes"), "H and W are axes 1 and 2 in NHWC");
        }
    }

    /** A 1-D max pool over tokens already channels-last is a reshape, a 1-row NHWC pool and a reshape: no transposes. */
    @Test
    void maxPool1dIsAOneRowPool() {
        MiniNets m = image("maxpool1d");
        Value tokens = m.reshape("flat", c0(m), 2, 4, 36); // [B,C,L]: channels-last in NHWC
        Value mp = m.op("MaxPool", "mp", Attributes.of("kernel", new int[] {3}, "strides", new int[] {2}, "pads", new int[] {1, 1}), tokens);
        Value mean = m.op("ReduceMean", "mean", Attributes.of("axes", new int[] {1}, "keepdims", 0), mp);
        check(m, mean, 0);
        ToNhwcLayout.Result r = ToNhwcLayout.apply(m.g);
        for (dev.formwork.ir.Node n : r.graph().nodes()) {
            if (n.is("MaxPool")) {
                assertEquals("NHWC", n.s("layout"));
                assertArrayEquals(new long[] {1, 3}, n.ints("kernel"));
                assertArrayEquals(new long[] {0, 1, 0, 1}, n.ints("pads"));
            }
        }
    }

    @Test
    void reshapeThatSplitsChannelsFromRowsMovesData() {
        MiniNets m = image("reshape");
        Value r = m.reshape("rs", c0(m), 2, 4 * 6, 6);
        check(m, m.op("Softmax", "sm", Attributes.of("axis", -1), r), 1);
    }

    @Test
    void lowerRankComputedOperandBroadcasts() {
        MiniNets m = image("broadcast");
        Value hw = m.op("ReduceMean", "hw", Attributes.of("axes", new int[] {0, 1}, "keepdims", 0), c0(m)); // [6,6]
        check(m, m.op("Mul", "mul", Attributes.EMPTY, c0(m), hw), 0); // [1,1,6,6] -> [1,6,6,1] is a reshape
    }

    @Test
    void unknownOpsRunInLogicalOrder() {
        MiniNets m = image("gather");
        Value idx = m.g.addBuffer("idx", Tensor.ofLongs(Shape.of(2), 3, 0));
        Value gth = m.op("Gather", "g", Attributes.of("axis", 1), c0(m), idx);
        check(m, m.conv("c1", gth, 2, 3, 1, 1, 1), 2);
    }

    @Test
    void flatOnNhwcIsAPlainReshape() {
        ReshapeGroups flat = ReshapeGroups.of(Shape.of(2, 8, 4, 4), Shape.of(2, 8, 16));
        assertArrayEquals(new int[] {0, 2, 1}, flat.outputLayout(Perm.NHWC, Perm.identity(3)));
        ReshapeGroups heads = ReshapeGroups.of(Shape.of(2, 64, 7, 7), Shape.of(2, 2, 32, 49));
        assertArrayEquals(new int[] {0, 3, 1, 2}, heads.outputLayout(Perm.NHWC, Perm.identity(4)));
        ReshapeGroups merge = ReshapeGroups.of(Shape.of(2, 2, 32, 49), Shape.of(2, 64, 7, 7));
        assertNull(merge.outputLayout(new int[] {0, 1, 3, 2}, Perm.NHWC));
        assertArrayEquals(new int[] {0, 3, 1, 2}, merge.inputLayoutFor(Perm.NHWC));
        // Unit axes go anywhere: batch 1 does not block a reshape.
        ReshapeGroups one = ReshapeGroups.of(Shape.of(1, 8, 4, 4), Shape.of(1, 8, 16));
        assertArrayEquals(new int[] {0, 2, 1}, one.outputLayout(Perm.NHWC, Perm.identity(3)));
    }

    @Test
    void permAlgebra() {
        assertArrayEquals(new int[] {0, 3, 1, 2}, Perm.absorb(Perm.identity(4), new int[] {0, 2, 3, 1}));
        assertArrayEquals(Perm.identity(4), Perm.absorb(new int[] {0, 2, 1, 3}, new int[] {0, 2, 1, 3}));
        assertArrayEquals(new int[] {0, 3, 1, 2}, Perm.inverse(Perm.NHWC));
        assertArrayEquals(new int[] {0, 2, 1, 3}, Perm.between(new int[] {0, 3, 1, 2}, new int[] {0, 1, 3, 2}));
        assertTrue(Perm.onlyMovesUnitAxes(Shape.of(1, 7, 1, 5), new int[] {2, 1, 0, 3}));
        assertTrue(!Perm.onlyMovesUnitAxes(Shape.of(2, 7, 1, 5), new int[] {1, 0, 2, 3}));
        assertEquals(List.of(0, 1, 3, 2), java.util.Arrays.stream(Perm.swapLastTwo(4)).boxed().toList());
    }

}
