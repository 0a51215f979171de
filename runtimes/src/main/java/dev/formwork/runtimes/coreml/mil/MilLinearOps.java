package dev.formwork.runtimes.coreml.mil;

import dev.formwork.exporters.coreml.validate.MilTypes;
import dev.formwork.ir.kernels.Gemm;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.runtimes.coreml.kernels.MatMul;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code linear} and {@code matmul} from coremltools {@code iOS15/linear.py} and
 * {@code iOS17/linear.py}.
 * <ul>
 *   <li>linear: {@code x * weight^T + bias}, weight {@code [Dout, Din]} (PyTorch layout), bias
 *       {@code [Dout]} default 0; before iOS17 weight/bias have x's dtype.</li>
 *   <li>matmul: NumPy matmul; transpose_x/transpose_y swap the last two axes (not allowed on a
 *       rank-1 operand); a rank-1 x gets a 1 prepended and a rank-1 y a 1 appended, both removed
 *       from the result; batch axes broadcast. Before iOS17 x and y share a dtype; from iOS17
 *       they may differ when exactly one is const, and the result takes the non-const one's.</li>
 * </ul>
 */
final class MilLinearOps {
    private MilLinearOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("linear", MilLinearOps::linear);
        t.put("matmul", MilLinearOps::matmul);
    }

    private static MilValue[] linear(MilOpContext c) {
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        MilValue w = MilElementwiseOps.floatInput(c, "weight");
        MilValue b = c.opt("bias");
        if (c.ios() < 17 && (w.dtype() != x.dtype() || (b != null && b.dtype() != x.dtype()))) {
            throw c.fail("weight/bias dtype must equal x's (" + MilTypes.name(x.dtype()) + ") before iOS17");
        }
        if (w.rank() != 2 || x.rank() < 1 || x.dim(-1) != w.dim(1)) {
            throw c.fail("x " + x.describe() + " and weight " + w.describe() + " do not agree (weight is [Dout, Din])");
        }
        int dout = w.dim(0), din = w.dim(1);
        if (b != null && (b.rank() != 1 || b.dim(0) != dout)) throw c.fail("bias must be [" + dout + "], got " + b.describe());
        int m = x.size() / Math.max(din, 1);
        float[] y = new float[m * dout];
        if (b != null) {
            float[] bv = b.floats();
            for (int r = 0; r < m; r++) System.arraycopy(bv, 0, y, r * dout, dout);
        }
        Gemm.sgemm(m, dout, din, x.floats(), 0, din, w.floats(), 0, din, true, y, 0, dout, b != null);
        int[] shape = x.shape();
        shape[shape.length - 1] = dout;
        return new MilValue[] {MilValue.floats(x.dtype(), shape, y)};
    }

    private static MilValue[] matmul(MilOpContext c) {
        MilValue x = MilElementwiseOps.floatInput(c, "x"), y = MilElementwiseOps.floatInput(c, "y");
        boolean tx = c.boolParam("transpose_x", false), ty = c.boolParam("transpose_y", false);
        DataType outType = x.dtype();
        if (x.dtype() != y.dtype()) {
            boolean xc = c.isConst("x"), yc = c.isConst("y");
            if (c.ios() < 17 || xc == yc) {
                throw c.fail("x is " + MilTypes.name(x.dtype()) + " but y is " + MilTypes.name(y.dtype())
                        + (c.ios() < 17 ? " (must match before iOS17)" : " (must match unless exactly one is const)"));
            }
            outType = xc ? y.dtype() : x.dtype();
        }
        if (x.rank() == 1 && tx) throw c.fail("x is rank 1 but transpose_x is true");
        if (y.rank() == 1 && ty) throw c.fail("y is rank 1 but transpose_y is true");
        int[] xs = x.rank() == 1 ? new int[] {1, x.dim(0)} : x.shape();
        int[] ys = y.rank() == 1 ? new int[] {y.dim(0), 1} : y.shape();
        int[] out = MatMul.shape(xs, ys, tx, ty);
        if (out == null) throw c.fail("shapes " + x.describe() + " and " + y.describe() + " are not matmul-compatible");
        float[] r = MatMul.apply(x.floats(), xs, y.floats(), ys, tx, ty);
        int[] shape = out;
        if (y.rank() == 1) shape = Arrays.copyOf(shape, shape.length - 1);
        if (x.rank() == 1) {
            int drop = shape.length - (y.rank() == 1 ? 1 : 2);
            int[] s2 = new int[shape.length - 1];
            for (int k = 0, j = 0; k < shape.length; k++) if (k != drop) s2[j++] = shape[k];
            shape = s2;
        }
        return new MilValue[] {MilValue.floats(outType, shape, r)};
    }
}
