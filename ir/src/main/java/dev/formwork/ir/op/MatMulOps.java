package dev.formwork.ir.op;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import dev.formwork.ir.kernels.Broadcast;
import dev.formwork.ir.kernels.Gemm;
import java.util.Arrays;
import java.util.List;

/** Matrix products: batched MatMul and the PyTorch-style Linear layer. */
public final class MatMulOps {
    private MatMulOps() {}

    static List<OpDef> all() {
        return List.of(new MatMul(), new Linear());
    }

    /** NumPy matmul on rank >= 2 operands: [..., M, K] x [..., K, N], batch axes broadcast. */
    static final class MatMul extends OpDef {
        MatMul() {
            super("MatMul", "batched matrix product [..,M,K] x [..,K,N] with broadcast batch axes");
            inputs(2);
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape a = in.get(0).shape(), b = in.get(1).shape();
            if (a.rank() < 2 || b.rank() < 2) throw error(node, "operands must have rank >= 2: " + a + " x " + b);
            if (a.dim(-1) != b.dim(-2)) throw error(node, "inner dimensions differ: " + a + " x " + b);
            int[] batch = Broadcast.shape(Arrays.copyOf(a.toArray(), a.rank() - 2), Arrays.copyOf(b.toArray(), b.rank() - 2));
            if (batch == null) throw error(node, "batch axes do not broadcast: " + a + " x " + b);
            int[] out = Arrays.copyOf(batch, batch.length + 2);
            out[batch.length] = a.dim(-2);
            out[batch.length + 1] = b.dim(-1);
            return one(new ValueType(in.get(0).dtype(), Shape.of(out)));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            int[] as = in[0].shape(), bs = in[1].shape();
            int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
            int[] batch = Broadcast.shape(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
            int[] out = Arrays.copyOf(batch, batch.length + 2);
            out[batch.length] = m;
            out[batch.length + 1] = n;
            int batches = (int) NdArray.numel(batch);
            int[] aIdx = batchOffsets(Arrays.copyOf(as, as.length - 2), batch, m * k);
            int[] bIdx = batchOffsets(Arrays.copyOf(bs, bs.length - 2), batch, k * n);
            float[] a = in[0].data(), b = in[1].data(), c = new float[batches * m * n];
            Parallel.RangeBody body = (lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    Gemm.sgemm(m, n, k, a, aIdx[i], k, b, bIdx[i], n, false, c, i * m * n, n, false);
                }
            };
            if (batches >= Parallel.threads()) Parallel.forRange(batches, 1, body);
            else body.run(0, batches);
            return new NdArray[] {NdArray.of(out, c)};
        }

        /** Element offset of each output batch's matrix inside an operand with batch shape s. */
        private static int[] batchOffsets(int[] s, int[] batch, int matrix) {
            int count = (int) NdArray.numel(batch);
            int[] strides = new int[batch.length];
            int stride = 1;
            for (int i = batch.length - 1; i >= 0; i--) {
                int si = i - (batch.length - s.length);
                int d = si >= 0 ? s[si] : 1;
                strides[i] = d == 1 ? 0 : stride;
                stride *= d;
            }
            int[] off = new int[count];
            for (int o = 0; o < count; o++) {
                int rem = o, idx = 0;
                for (int d = batch.length - 1; d >= 0; d--) {
                    idx += (rem % batch[d]) * strides[d];
                    rem /= batch[d];
                }
                off[o] = idx * matrix;
            }
            return off;
        }

        @Override
        public long macs(Node node) {
            return node.output().shape().numel() * node.input(0).shape().dim(-1);
        }
    }

    /** y = x W^T + b over the last axis; weight [out, in] as PyTorch stores it, bias [out] optional. */
    static final class Linear extends OpDef {
        Linear() {
            super("Linear", "y = x W^T + b on the last axis, weight [out, in]");
            inputs(2, 3);
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = in.get(0).shape(), w = in.get(1).shape();
            if (w.rank() != 2) throw error(node, "weight must be [out, in], got " + w);
            if (x.rank() < 1 || x.dim(-1) != w.dim(1)) throw error(node, "input " + x + " does not match weight " + w);
            if (in.size() == 3 && !in.get(2).shape().equals(Shape.of(w.dim(0)))) {
                throw error(node, "bias " + in.get(2).shape() + " does not match weight " + w);
            }
            return one(new ValueType(in.get(0).dtype(), x.withDim(-1, w.dim(0))));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            int[] xs = in[0].shape();
            int din = xs[xs.length - 1], dout = in[1].dim(0);
            int rows = in[0].size() / din;
            float[] y = new float[rows * dout];
            if (in.length > 2) {
                float[] b = in[2].data();
                for (int r = 0; r < rows; r++) System.arraycopy(b, 0, y, r * dout, dout);
            }
            Gemm.sgemm(rows, dout, din, in[0].data(), 0, din, in[1].data(), 0, din, true, y, 0, dout, true);
            int[] out = xs.clone();
            out[out.length - 1] = dout;
            return new NdArray[] {NdArray.of(out, y)};
        }

        @Override
        public long macs(Node node) {
            return node.output().shape().numel() * node.input(1).shape().dim(1);
        }
    }
}
