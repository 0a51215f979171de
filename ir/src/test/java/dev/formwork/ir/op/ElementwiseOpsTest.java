package dev.formwork.ir.op;

import static dev.formwork.ir.testutil.OpRunner.assertRejected;
import static dev.formwork.ir.testutil.OpRunner.f32;
import static dev.formwork.ir.testutil.OpRunner.i64;
import static dev.formwork.ir.testutil.OpRunner.inferShape;
import static dev.formwork.ir.testutil.OpRunner.run;
import static dev.formwork.ir.testutil.OpRunner.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.DType;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.testutil.Naive;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ElementwiseOpsTest {
    /** Operand shape pairs and their broadcast result. */
    private static final int[][][] BROADCAST_CASES = {
        {{2, 3, 4, 5}, {3, 1, 1}, {2, 3, 4, 5}},
        {{2, 3, 4, 5}, {5}, {2, 3, 4, 5}},
        {{2, 3, 4, 5}, {}, {2, 3, 4, 5}},
        {{2, 3, 4, 5}, {1, 3, 1, 5}, {2, 3, 4, 5}},
        {{2, 3, 4, 5}, {2, 3, 4, 5}, {2, 3, 4, 5}},
        {{3, 1, 1}, {2, 3, 4, 5}, {2, 3, 4, 5}},
        {{}, {2, 3, 4, 5}, {2, 3, 4, 5}},
        {{2, 1, 4, 1}, {3, 1, 5}, {2, 3, 4, 5}},
        {{1}, {}, {1}},
        {{}, {}, {}},
        {{4, 1}, {1, 6}, {4, 6}},
    };

    private static DoubleBinaryOperator binaryDefinition(String op) {
        return switch (op) {
            case "Add" -> (x, y) -> x + y;
            case "Sub" -> (x, y) -> x - y;
            case "Mul" -> (x, y) -> x * y;
            case "Div" -> (x, y) -> x / y;
            case "Pow" -> Math::pow;
            default -> throw new IllegalArgumentException(op);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"Add", "Sub", "Mul", "Div", "Pow"})
    void binaryOpsBroadcastLikeNumPy(String op) {
        DoubleBinaryOperator f = binaryDefinition(op);
        long seed = 100;
        for (int[][] c : BROADCAST_CASES) {
            int[] as = c[0], bs = c[1], os = c[2];
            assertEquals(Shape.of(os), inferShape(op, Attributes.EMPTY, f32(as), f32(bs)));
            // Pow: positive bases; Div: denominators away from zero.
            NdArray a = op.equals("Pow") ? Naive.uniform(seed++, 0.25, 3, as) : Naive.randn(seed++, as);
            NdArray b = op.equals("Pow") ? Naive.uniform(seed++, -2.5, 2.5, bs)
                    : op.equals("Div") ? Naive.uniform(seed++, 0.5, 2, bs) : Naive.randn(seed++, bs);
            NdArray y = run(op, a, b);
            double[] expect = new double[Naive.numel(os)];
            for (int i = 0; i < expect.length; i++) {
                int[] idx = Naive.unravel(i, os);
                expect[i] = f.applyAsDouble(a.data()[Naive.broadcastIndex(idx, as)], b.data()[Naive.broadcastIndex(idx, bs)]);
            }
            String what = op + " " + java.util.Arrays.deepToString(c);
            assertArrayEquals(os, y.shape(), what);
            if (op.equals("Pow")) {
                Naive.assertClose(expect, y.data(), 0, 1.2e-7, what);
            } else {
                // one IEEE operation on floats: exactly the double result rounded to float
                for (int i = 0; i < expect.length; i++) assertEquals((float) expect[i], y.data()[i], 0f, what + " at " + i);
            }
        }
    }

    @Test
    void binaryHandCases() {
        NdArray x = NdArray.of(new int[] {2, 2}, new float[] {1, 2, 3, 4});
        NdArray col = NdArray.of(new int[] {2, 1}, new float[] {10, 20});
        assertArrayEquals(new float[] {11, 12, 23, 24}, run("Add", x, col).data());
        assertArrayEquals(new float[] {-9, -8, -17, -16}, run("Sub", x, col).data());
        assertArrayEquals(new float[] {10, 20, 60, 80}, run("Mul", x, col).data());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.15f, 0.2f}, run("Div", x, col).data());
        NdArray two = NdArray.of(new int[0], new float[] {2});
        assertArrayEquals(new float[] {1, 4, 9, 16}, run("Pow", x, two).data());
        assertArrayEquals(new float[] {2, 4, 8, 16}, run("Pow", two, x).data());
    }

    @Test
    void binaryRejectsIncompatibleShapesAndTypes() {
        assertRejected("Add", Attributes.EMPTY, f32(2, 3), f32(4));
        assertRejected("Mul", Attributes.EMPTY, f32(2, 3, 4), f32(2, 1));
        assertRejected("Sub", Attributes.EMPTY, f32(3), i64(3));
        assertRejected("Div", Attributes.EMPTY, f32(3)); // one input
    }

    private static void checkUnary(String op, Attributes attrs, DoubleUnaryOperator def, NdArray x, double atol, double rtol) {
        assertEquals(x.shapeObj(), inferShape(op, attrs, f32(x.shape())));
        NdArray y = run(op, attrs, x);
        double[] expect = new double[x.size()];
        for (int i = 0; i < expect.length; i++) expect[i] = def.applyAsDouble(x.data()[i]);
        assertArrayEquals(x.shape(), y.shape());
        Naive.assertClose(expect, y.data(), atol, rtol, op + " " + attrs);
    }

    @Test
    void simpleUnaryOpsMatchTheirDefinitions() {
        NdArray x = Naive.uniform(7, -8, 8, 3, 4, 50);
        checkUnary("Relu", Attributes.EMPTY, v -> v > 0 ? v : 0, x, 0, 0);
        checkUnary("Tanh", Attributes.EMPTY, v -> (Math.exp(2 * v) - 1) / (Math.exp(2 * v) + 1), x, 1e-7, 1e-6);
        checkUnary("Sigmoid", Attributes.EMPTY, v -> 1 / (1 + Math.exp(-v)), x, 1e-9, 1e-6);
        checkUnary("Identity", Attributes.EMPTY, v -> v, x, 0, 0);
        checkUnary("Sqrt", Attributes.EMPTY, Math::sqrt, Naive.uniform(8, 0, 100, 7, 13), 0, 1e-7);
    }

    @Test
    void unaryHandCasesAndSpecialValues() {
        NdArray x = NdArray.of(new int[] {6}, new float[] {-2, -0f, 0, 1.5f, Float.POSITIVE_INFINITY, Float.NaN});
        assertArrayEquals(new float[] {0, 0, 0, 1.5f, Float.POSITIVE_INFINITY, Float.NaN}, run("Relu", x).data());
        float[] id = run("Identity", x).data();
        for (int i = 0; i < 6; i++) {
            assertEquals(Float.floatToRawIntBits(x.data()[i]), Float.floatToRawIntBits(id[i]), "Identity is bitwise");
        }
        float[] sig = run("Sigmoid", NdArray.of(new int[] {3}, new float[] {0, -200, 200})).data();
        assertArrayEquals(new float[] {0.5f, 0f, 1f}, sig);
        float[] sq = run("Sqrt", NdArray.of(new int[] {3}, new float[] {4, 0, -1})).data();
        assertEquals(2f, sq[0]);
        assertEquals(0f, sq[1]);
        assertTrue(Float.isNaN(sq[2]));
        float[] th = run("Tanh", NdArray.of(new int[] {3}, new float[] {0, 30, -30})).data();
        assertArrayEquals(new float[] {0, 1, -1}, th);
    }

    @Test
    void referenceErfIsItselfRight() {
        // Published values (Abramowitz & Stegun table 7.1 / high-precision tables).
        assertEquals(0.5204998778130465, Naive.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Naive.erf(1), 1e-15);
        assertEquals(0.9953222650189527, Naive.erf(2), 1e-15);
        assertEquals(0.9999779095030014, Naive.erf(3), 1e-15);
        assertEquals(-0.9999999845827421, Naive.erf(-4), 1e-15);
        assertEquals(0.0, Naive.erf(0), 0);
    }

    @Test
    void erfWithin2e7OfHighPrecisionOverMinus6To6() {
        int n = 120_001;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) xs[i] = (float) (-6 + 12.0 * i / (n - 1));
        NdArray y = run("Erf", NdArray.of(new int[] {n}, xs));
        double worst = 0;
        float at = 0;
        for (int i = 0; i < n; i++) {
            double err = Math.abs(y.data()[i] - Naive.erf(xs[i]));
            if (err > worst) {
                worst = err;
                at = xs[i];
            }
        }
        assertTrue(worst <= 2e-7, "max |erf error| " + worst + " at x=" + at);
        // odd symmetry is exact
        for (int i = 0; i < n; i++) assertEquals(-y.data()[i], y.data()[n - 1 - i], 0f);
        assertEquals(Shape.of(n), inferShape("Erf", Attributes.EMPTY, f32(n)));
    }

    @Test
    void geluExactMatchesErfDefinition() {
        NdArray x = Naive.uniform(11, -6, 6, 4, 1000);
        DoubleUnaryOperator def = v -> 0.5 * v * (1 + Naive.erf(v / Math.sqrt(2)));
        checkUnary("Gelu", Attributes.EMPTY, def, x, 1e-6, 0);
        checkUnary("Gelu", Attributes.of("approximate", "none"), def, x, 1e-6, 0);
        float[] hand = run("Gelu", NdArray.of(new int[] {3}, new float[] {0, 1, -1})).data();
        assertEquals(0f, hand[0]);
        assertEquals(0.8413447460685429, hand[1], 1e-6); // Phi(1)
        assertEquals(-0.15865525393145707, hand[2], 1e-6); // -Phi(-1)
    }

    @Test
    void geluApproximations() {
        NdArray x = Naive.uniform(12, -6, 6, 2000);
        checkUnary("Gelu", Attributes.of("approximate", "tanh"),
                v -> 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))), x, 1e-6, 0);
        checkUnary("Gelu", Attributes.of("approximate", "sigmoid"), v -> v / (1 + Math.exp(-1.702 * v)), x, 1e-6, 0);
        // the approximations stay close to the exact form (sanity on the formulas themselves)
        float[] t = run("Gelu", Attributes.of("approximate", "tanh"), x).data();
        for (int i = 0; i < x.size(); i++) {
            double v = x.data()[i];
            assertEquals(0.5 * v * (1 + Naive.erf(v / Math.sqrt(2))), t[i], 1e-3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Relu", "Gelu", "Erf", "Tanh", "Sigmoid", "Sqrt", "Identity"})
    void unaryOpsRejectIntegerInputs(String op) {
        assertRejected(op, Attributes.EMPTY, i64(2, 3));
        assertEquals(Shape.of(2, 3), inferShape(op, Attributes.EMPTY, new ValueType(DType.FLOAT16, shape(2, 3))));
    }

    @Test
    void geluRejectsUnknownApproximation() {
        var e = assertRejected("Gelu", Attributes.of("approximate", "fast"), f32(4));
        assertTrue(e.getMessage().contains("fast"), e.getMessage());
    }

    @Test
    void expIsEToTheX() {
        NdArray y = run("Exp", NdArray.of(new int[] {3}, new float[] {0f, 1f, -2f}));
        assertArrayEquals(new float[] {1f, (float) Math.E, (float) (1 / (Math.E * Math.E))}, y.data(), 1e-7f);
    }

    @Test
    void hardSwishIsZeroBelowMinus3AndIdentityAbove3() {
        NdArray y = run("HardSwish", NdArray.of(new int[] {5}, new float[] {-4f, -3f, 0f, 1.5f, 3.5f}));
        // 1.5 * (1.5 / 6 + 0.5) = 1.125
        assertArrayEquals(new float[] {-0f, -0f, 0f, 1.125f, 3.5f}, y.data(), 1e-7f);
    }
}
