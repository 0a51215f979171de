package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.kernels.Gemm;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.BatchedMatMulLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.InnerProductLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import dev.formwork.runtimes.coreml.kernels.MatMul;
import java.util.Map;

/**
 * Matrix layers (NeuralNetwork.proto):
 * <ul>
 *   <li>innerProduct: weights {@code [Cout, Cin]}. The input is viewed as a matrix by rank —
 *       1: (Cin); 2: (x1, Cin); 3: (x1*x2, Cin); <b>4: (x1, x2*x3*x4)</b> (not per position);
 *       5: (x1*x2, x3*x4*x5) — and the output is (Cout), (x1, Cout), (x1, x2, Cout),
 *       (x1, Cout, 1, 1), (x1, x2, Cout, 1, 1). Dot products accumulate in double.</li>
 *   <li>batchedMatmul with two inputs: NumPy matmul with transposeA/B; a rank-1 a becomes (1, D),
 *       a rank-1 b (D, 1), and the output keeps rank {@code max(2, rank a, rank b)}.</li>
 *   <li>batchedMatmul with one input: weight matrix {@code [X1, X2]} stored <b>column-major</b>
 *       (the flat values are {@code W^T} row-major, i.e. a PyTorch Linear [out, in]); the input's
 *       leading axes are batch, the last is X1; optional bias [X2].</li>
 * </ul>
 */
final class NnDenseLayers {
    private NnDenseLayers() {}

    static void register(Map<LayerCase, NnLayer> t) {
        t.put(LayerCase.INNERPRODUCT, NnDenseLayers::innerProduct);
        t.put(LayerCase.BATCHEDMATMUL, NnDenseLayers::batchedMatmul);
    }

    private static NdArray[] innerProduct(NnLayerContext c) {
        InnerProductLayerParams p = c.layer.getInnerProduct();
        NdArray x = c.x();
        int cin = Math.toIntExact(p.getInputChannels()), cout = Math.toIntExact(p.getOutputChannels());
        int[] s = x.shape();
        int rows, cols;
        int[] out;
        switch (s.length) {
            case 1 -> { rows = 1; cols = s[0]; out = new int[] {cout}; }
            case 2 -> { rows = s[0]; cols = s[1]; out = new int[] {s[0], cout}; }
            case 3 -> { rows = s[0] * s[1]; cols = s[2]; out = new int[] {s[0], s[1], cout}; }
            case 4 -> { rows = s[0]; cols = s[1] * s[2] * s[3]; out = new int[] {s[0], cout, 1, 1}; }
            case 5 -> { rows = s[0] * s[1]; cols = s[2] * s[3] * s[4]; out = new int[] {s[0], s[1], cout, 1, 1}; }
            default -> throw c.fail("input rank must be 1..5, got " + x);
        }
        if (cols != cin) throw c.fail("input " + x + " flattens to " + cols + " features per row, inputChannels is " + cin);
        float[] w = c.weights(p.getWeights(), (long) cin * cout, "weights");
        float[] b = p.getHasBias() ? c.weights(p.getBias(), cout, "bias") : null;
        float[] y = dotRows(x.data(), rows, cin, w, cout, b);
        return new NdArray[] {NdArray.of(out, y)};
    }

    /**
     * {@code y[r][o] = sum_k x[r][k] * w[o][k] + b[o]}, each dot product accumulated in double in
     * k order and rounded to float once, so the result does not depend on a GEMM's blocking.
     */
    static float[] dotRows(float[] x, int rows, int cin, float[] w, int cout, float[] b) {
        float[] y = new float[rows * cout];
        dev.formwork.ir.interp.Parallel.forRange(rows, 1, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int xo = r * cin;
                for (int o = 0; o < cout; o++) {
                    int wo = o * cin;
                    double acc = 0;
                    for (int k = 0; k < cin; k++) acc += (double) x[xo + k] * w[wo + k];
                    y[r * cout + o] = (float) (b == null ? acc : acc + b[o]);
                }
            }
        });
        return y;
    }

    private static NdArray[] batchedMatmul(NnLayerContext c) {
        BatchedMatMulLayerParams p = c.layer.getBatchedMatmul();
        NdArray a = c.x();
        if (c.in.length == 2) {
            if (p.getHasBias()) throw c.fail("bias is only supported with one input");
            NdArray b = c.in[1];
            int[] as = a.rank() == 1 ? new int[] {1, a.dim(0)} : a.shape();
            int[] bs = b.rank() == 1 ? new int[] {b.dim(0), 1} : b.shape();
            int[] out = MatMul.shape(as, bs, p.getTransposeA(), p.getTransposeB());
            if (out == null) throw c.fail("inputs " + a + " and " + b + " are not matmul-compatible");
            return new NdArray[] {NdArray.of(out, MatMul.apply(a.data(), as, b.data(), bs, p.getTransposeA(), p.getTransposeB()))};
        }
        int x1 = Math.toIntExact(p.getWeightMatrixFirstDimension()), x2 = Math.toIntExact(p.getWeightMatrixSecondDimension());
        if (a.dim(-1) != x1) throw c.fail("input " + a + " last axis must be weightMatrixFirstDimension " + x1);
        float[] w = c.weights(p.getWeights(), (long) x1 * x2, "weights");
        int rows = a.size() / Math.max(1, x1);
        float[] y = new float[rows * x2];
        if (p.getHasBias()) {
            float[] bias = c.weights(p.getBias(), x2, "bias");
            for (int r = 0; r < rows; r++) System.arraycopy(bias, 0, y, r * x2, x2);
        }
        // Column-major [X1, X2] is row-major [X2, X1]: multiply by it transposed.
        Gemm.sgemm(rows, x2, x1, a.data(), 0, x1, w, 0, x1, true, y, 0, x2, p.getHasBias());
        int[] out = a.shape();
        out[out.length - 1] = x2;
        return new NdArray[] {NdArray.of(out, y)};
    }
}
