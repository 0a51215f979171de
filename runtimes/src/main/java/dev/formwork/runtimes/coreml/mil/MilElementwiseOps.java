package dev.formwork.runtimes.coreml.mil;

import dev.formwork.exporters.coreml.validate.MilTypes;
import dev.formwork.ir.kernels.MathFns;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.runtimes.coreml.kernels.Broadcast;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * Elementwise binary ops with NumPy broadcasting (coremltools {@code iOS15/elementwise_binary.py}:
 * x and y share the type domain T, so their dtypes must agree) and elementwise unary math ops
 * ({@code iOS15/elementwise_unary.py}, including the epsilon defaults: rsqrt 1e-12,
 * inverse 1e-4, log 1e-45) and {@code cast} (fp32/fp16/int32/bool; iOS17 adds int8/uint8/
 * int16/uint16). Float to integer casts truncate toward zero, as NumPy's astype does.
 */
final class MilElementwiseOps {
    private MilElementwiseOps() {}

    static void register(Map<String, MilOp> t) {
        binary(t, "add", (a, b) -> a + b, Long::sum);
        binary(t, "sub", (a, b) -> a - b, (a, b) -> a - b);
        binary(t, "mul", (a, b) -> a * b, (a, b) -> a * b);
        binary(t, "real_div", (a, b) -> a / b, null);
        binary(t, "pow", (a, b) -> (float) Math.pow(a, b), null);
        binary(t, "maximum", (a, b) -> a != a || b != b ? Float.NaN : Math.max(a, b), Math::max);
        binary(t, "minimum", (a, b) -> a != a || b != b ? Float.NaN : Math.min(a, b), Math::min);
        binary(t, "floor_div", (a, b) -> (float) Math.floor(a / b), Math::floorDiv);
        unary(t, "erf", MathFns::erf);
        unary(t, "tanh", Math::tanh);
        unary(t, "sqrt", Math::sqrt);
        unary(t, "exp", Math::exp);
        unary(t, "abs", Math::abs);
        unary(t, "square", x -> x * x);
        unary(t, "floor", Math::floor);
        unary(t, "ceil", Math::ceil);
        unary(t, "sin", Math::sin);
        unary(t, "cos", Math::cos);
        withEpsilon(t, "rsqrt", 1e-12f, (x, e) -> 1.0 / Math.sqrt(x + e));
        withEpsilon(t, "inverse", 1e-4f, (x, e) -> 1.0 / (x + e));
        withEpsilon(t, "log", 1e-45f, (x, e) -> Math.log(x + e));
        t.put("cast", MilElementwiseOps::cast);
        t.put("identity", c -> new MilValue[] {c.in("x")});
        t.put("clip", c -> {
            MilValue x = floatInput(c, "x");
            float lo = c.in("alpha").floats()[0], hi = c.in("beta").floats()[0];
            float[] s = x.floats(), y = new float[s.length];
            for (int k = 0; k < y.length; k++) y[k] = Math.min(Math.max(s[k], lo), hi);
            return new MilValue[] {MilValue.floats(x.dtype(), x.shape(), y)};
        });
    }

    static MilValue floatInput(MilOpContext c, String name) {
        MilValue x = c.in(name);
        if (!x.isFloat()) throw c.fail("'" + name + "' must be fp16 or fp32, got " + x.describe());
        return x;
    }

    private static void binary(Map<String, MilOp> t, String type, Broadcast.Op f, LongBinaryOperator intOp) {
        t.put(type, c -> {
            MilValue x = c.in("x"), y = c.in("y");
            if (x.dtype() != y.dtype()) {
                throw c.fail("x is " + MilTypes.name(x.dtype()) + " but y is " + MilTypes.name(y.dtype()) + " (both must have type T)");
            }
            int[] out = Broadcast.shape(x.shape(), y.shape());
            if (out == null) throw c.fail("shapes " + x.describe() + " and " + y.describe() + " do not broadcast");
            if (x.isFloat()) {
                return new MilValue[] {MilValue.floats(x.dtype(), out, Broadcast.apply(x.floats(), x.shape(), y.floats(), y.shape(), out, f))};
            }
            if (intOp == null) throw c.fail("integer inputs are not supported");
            float[] idx = new float[x.size()];
            for (int k = 0; k < idx.length; k++) idx[k] = k;
            float[] jdx = new float[y.size()];
            for (int k = 0; k < jdx.length; k++) jdx[k] = k;
            long[] xl = x.longs(), yl = y.longs();
            float[] ix = Broadcast.expand(idx, x.shape(), out), iy = Broadcast.expand(jdx, y.shape(), out);
            long[] r = new long[ix.length];
            for (int k = 0; k < r.length; k++) r[k] = intOp.applyAsLong(xl[(int) ix[k]], yl[(int) iy[k]]);
            return new MilValue[] {MilValue.ints(x.dtype(), out, r)};
        });
    }

    private static void unary(Map<String, MilOp> t, String type, DoubleUnaryOperator f) {
        t.put(type, c -> {
            MilValue x = floatInput(c, "x");
            float[] s = x.floats(), y = new float[s.length];
            for (int k = 0; k < y.length; k++) y[k] = (float) f.applyAsDouble(s[k]);
            return new MilValue[] {MilValue.floats(x.dtype(), x.shape(), y)};
        });
    }

    @FunctionalInterface
    private interface EpsFn {
        double apply(double x, double eps);
    }

    private static void withEpsilon(Map<String, MilOp> t, String type, float dflt, EpsFn f) {
        t.put(type, c -> {
            MilValue x = floatInput(c, "x");
            float eps = c.floatParam("epsilon", dflt);
            float[] s = x.floats(), y = new float[s.length];
            for (int k = 0; k < y.length; k++) y[k] = (float) f.apply(s[k], eps);
            return new MilValue[] {MilValue.floats(x.dtype(), x.shape(), y)};
        });
    }

    private static MilValue[] cast(MilOpContext c) {
        MilValue x = c.in("x");
        String to = c.strParam("dtype", null);
        if (to == null) throw c.fail("required input 'dtype' is not bound");
        DataType dt = MilTypes.fromName(to);
        boolean ok = dt == DataType.FLOAT32 || dt == DataType.FLOAT16 || dt == DataType.INT32 || dt == DataType.BOOL
                || (c.ios() >= 17 && (dt == DataType.INT8 || dt == DataType.UINT8 || dt == DataType.INT16 || dt == DataType.UINT16));
        if (!ok) throw c.fail("cast to '" + to + "' is not supported at iOS" + c.ios());
        if (MilTypes.isFloat(dt)) return new MilValue[] {MilValue.floats(dt, x.shape(), x.floats().clone())};
        long[] r = new long[x.size()];
        if (x.isFloat()) {
            float[] s = x.floats();
            for (int k = 0; k < r.length; k++) r[k] = dt == DataType.BOOL ? (s[k] != 0 ? 1 : 0) : (long) s[k];
        } else {
            long[] s = x.longs();
            for (int k = 0; k < r.length; k++) r[k] = dt == DataType.BOOL ? (s[k] != 0 ? 1 : 0) : s[k];
        }
        return new MilValue[] {MilValue.ints(dt, x.shape(), r)};
    }
}
