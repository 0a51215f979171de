package dev.formwork.ir.op;

import dev.formwork.ir.DType;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Ops that move data without arithmetic: reshapes, permutations, slicing, gathering. */
public final class ShapeOps {
    private ShapeOps() {}

    static List<OpDef> all() {
        return List.of(new Reshape(), new Flatten(), new Transpose(), new Split(), new Slice(), new Concat(),
                new SpaceToDepth(), new Gather(), new Constant());
    }

    /** Static reshape; one entry may be -1 (inferred). Zero is a literal size, never "copy". */
    static final class Reshape extends OpDef {
        Reshape() {
            super("Reshape", "static reshape; one -1 is inferred");
            inputs(1);
            attr("shape", AttrType.INTS, null, "target shape");
        }

        static Shape resolve(Node node, Shape x, long[] target) {
            long known = 1;
            int infer = -1;
            for (int i = 0; i < target.length; i++) {
                if (target[i] == -1) {
                    if (infer >= 0) throw error(node, "more than one -1 in " + Arrays.toString(target));
                    infer = i;
                } else if (target[i] < 0) {
                    throw error(node, "bad size in " + Arrays.toString(target));
                } else {
                    known *= target[i];
                }
            }
            long[] out = target.clone();
            if (infer >= 0) {
                if (known == 0 || x.numel() % known != 0) throw error(node, "cannot reshape " + x + " to " + Arrays.toString(target));
                out[infer] = x.numel() / known;
            }
            Shape s = Shape.of(out);
            if (s.numel() != x.numel()) throw error(node, "cannot reshape " + x + " to " + s);
            return s;
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            return one(new ValueType(in.get(0).dtype(), resolve(node, in.get(0).shape(), node.ints("shape"))));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            Shape s = resolve(node, in[0].shapeObj(), node.ints("shape"));
            return new NdArray[] {in[0].reshape(s.toArray())};
        }
    }

    /** PyTorch flatten(start, end): merges axes start..end (inclusive) into one. */
    static final class Flatten extends OpDef {
        Flatten() {
            super("Flatten", "merge axes start..end (inclusive), as torch.flatten");
            inputs(1);
            attr("start", AttrType.INT, 1L, "first merged axis");
            attr("end", AttrType.INT, -1L, "last merged axis");
        }

        static Shape out(Node node, Shape x) {
            int s = axis(node, x, node.i("start")), e = axis(node, x, node.i("end"));
            if (e < s) throw error(node, "end before start");
            int[] d = new int[x.rank() - (e - s)];
            int k = 0;
            for (int i = 0; i < s; i++) d[k++] = x.dim(i);
            d[k++] = (int) x.product(s, e + 1);
            for (int i = e + 1; i < x.rank(); i++) d[k++] = x.dim(i);
            return Shape.of(d);
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            return one(new ValueType(in.get(0).dtype(), out(node, in.get(0).shape())));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            return new NdArray[] {in[0].reshape(out(node, in[0].shapeObj()).toArray())};
        }
    }

    /** Axis permutation: output axis i is input axis perm[i]. */
    static final class Transpose extends OpDef {
        Transpose() {
            super("Transpose", "permute axes: output axis i is input axis perm[i]");
            inputs(1);
            attr("perm", AttrType.INTS, null, "permutation");
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = in.get(0).shape();
            int[] p = node.intArray("perm");
            boolean[] seen = new boolean[x.rank()];
            if (p.length != x.rank()) throw error(node, "perm " + Arrays.toString(p) + " does not fit " + x);
            int[] d = new int[p.length];
            for (int i = 0; i < p.length; i++) {
                if (p[i] < 0 || p[i] >= p.length || seen[p[i]]) throw error(node, "bad perm " + Arrays.toString(p));
                seen[p[i]] = true;
                d[i] = x.dim(p[i]);
            }
            return one(new ValueType(in.get(0).dtype(), Shape.of(d)));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            return new NdArray[] {permute(in[0], node.intArray("perm"))};
        }
    }

    /** Generic strided permutation copy (also used by other kernels). */
    public static NdArray permute(NdArray x, int[] perm) {
        int[] s = x.shape();
        int r = s.length;
        int[] out = new int[r];
        int[] inStride = new int[r];
        int st = 1;
        for (int i = r - 1; i >= 0; i--) {
            inStride[i] = st;
            st *= s[i];
        }
        int[] srcStride = new int[r];
        for (int i = 0; i < r; i++) {
            out[i] = s[perm[i]];
            srcStride[i] = inStride[perm[i]];
        }
        int n = x.size();
        int[] idx = new int[r];
        if (x.isLong()) {
            long[] a = x.longs(), b = new long[n];
            int src = 0;
            for (int e = 0; e < n; e++) {
                b[e] = a[src];
                for (int d = r - 1; d >= 0; d--) {
                    src += srcStride[d];
                    if (++idx[d] < out[d]) break;
                    src -= srcStride[d] * out[d];
                    idx[d] = 0;
                }
            }
            return NdArray.ofLongs(out, b);
        }
        float[] a = x.data(), b = new float[n];
        if (r == 0) return NdArray.of(out, a.clone());
        int inner = out[r - 1], innerStride = srcStride[r - 1];
        int src = 0;
        for (int e = 0; e < n; e += inner) {
            for (int j = 0, p = src; j < inner; j++, p += innerStride) b[e + j] = a[p];
            for (int d = r - 2; d >= 0; d--) {
                src += srcStride[d];
                if (++idx[d] < out[d]) break;
                src -= srcStride[d] * out[d];
                idx[d] = 0;
            }
        }
        return NdArray.of(out, b);
    }

    /** Splits along {@code axis} into pieces of the given sizes. */
    static final class Split extends OpDef {
        Split() {
            super("Split", "split along axis into pieces of the given sizes");
            inputs(1);
            attr("axis", AttrType.INT, 0L, "split axis");
            attr("split", AttrType.INTS, null, "piece sizes");
        }

        @Override
        public int outputCount(dev.formwork.ir.Attributes a) {
            Object s = a.get("split");
            return s == null ? 1 : ((long[]) s).length;
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = in.get(0).shape();
            int axis = axis(node, x, node.i("axis"));
            long[] sizes = node.ints("split");
            long total = 0;
            List<ValueType> out = new ArrayList<>();
            for (long s : sizes) {
                total += s;
                out.add(new ValueType(in.get(0).dtype(), x.withDim(axis, (int) s)));
            }
            if (total != x.dim(axis)) throw error(node, "sizes " + Arrays.toString(sizes) + " do not add up to " + x.dim(axis));
            return out;
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            Shape x = in[0].shapeObj();
            int axis = x.axis((int) node.i("axis"));
            long[] sizes = node.ints("split");
            NdArray[] out = new NdArray[sizes.length];
            int start = 0;
            for (int i = 0; i < sizes.length; i++) {
                out[i] = slice(in[0], axis, start, start + (int) sizes[i], 1);
                start += (int) sizes[i];
            }
            return out;
        }
    }

    /** Elements [start, end) with step along one axis. */
    static NdArray slice(NdArray x, int axis, int start, int end, int step) {
        int[] s = x.shape();
        int len = step > 0 ? Math.max(0, (end - start + step - 1) / step) : Math.max(0, (start - end - step - 1) / -step);
        int outer = (int) Shape.of(s).product(0, axis);
        int inner = (int) Shape.of(s).product(axis + 1, s.length);
        int[] os = s.clone();
        os[axis] = len;
        NdArray out = x.newLike(os);
        Object a = x.raw(), b = out.raw();
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < len; i++) {
                int src = (o * s[axis] + start + i * step) * inner;
                System.arraycopy(a, src, b, (o * len + i) * inner, inner);
            }
        }
        return out;
    }

    /** ONNX-style slice: starts/ends clamp to the axis, negative values count from the end. */
    static final class Slice extends OpDef {
        Slice() {
            super("Slice", "slice along axes with starts/ends/steps (ONNX clamping rules)");
            inputs(1);
            attr("axes", AttrType.INTS, null, "sliced axes");
            attr("starts", AttrType.INTS, null, "start per axis");
            attr("ends", AttrType.INTS, null, "end (exclusive) per axis");
            attr("steps", AttrType.INTS, new long[0], "step per axis (default 1)");
        }

        /** Normalised {start, end, step, length} for one axis. */
        static int[] range(long start, long end, long step, int dim) {
            if (step == 0) throw new IllegalArgumentException("step 0");
            if (start < 0) start += dim;
            if (end < 0) end += dim;
            if (step > 0) {
                start = Math.max(0, Math.min(start, dim));
                end = Math.max(0, Math.min(end, dim));
            } else {
                start = Math.min(Math.max(start, 0), dim - 1); // ONNX: [0, dim-1] (-1 only for an empty axis)
                end = Math.max(-1, Math.min(end, dim - 1));
            }
            long len = step > 0 ? Math.max(0, (end - start + step - 1) / step) : Math.max(0, (start - end - step - 1) / -step);
            return new int[] {(int) start, (int) end, (int) step, (int) len};
        }

        private static long[] steps(Node node, int n) {
            long[] st = node.ints("steps");
            if (st.length == 0) {
                st = new long[n];
                Arrays.fill(st, 1);
            }
            return st;
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = in.get(0).shape();
            long[] axes = node.ints("axes"), starts = node.ints("starts"), ends = node.ints("ends");
            long[] steps = steps(node, axes.length);
            if (starts.length != axes.length || ends.length != axes.length || steps.length != axes.length) {
                throw error(node, "axes/starts/ends/steps lengths differ");
            }
            Shape out = x;
            for (int i = 0; i < axes.length; i++) {
                int a = axis(node, x, axes[i]);
                if (steps[i] == 0) throw error(node, "step 0");
                out = out.withDim(a, range(starts[i], ends[i], steps[i], x.dim(a))[3]);
            }
            return one(new ValueType(in.get(0).dtype(), out));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            Shape x = in[0].shapeObj();
            long[] axes = node.ints("axes"), starts = node.ints("starts"), ends = node.ints("ends");
            long[] steps = steps(node, axes.length);
            NdArray cur = in[0];
            for (int i = 0; i < axes.length; i++) {
                int a = x.axis((int) axes[i]);
                int[] r = range(starts[i], ends[i], steps[i], x.dim(a));
                cur = slice(cur, a, r[0], r[0] + r[3] * r[2], r[2]);
            }
            return new NdArray[] {cur};
        }
    }

    /** Concatenation along one axis. */
    static final class Concat extends OpDef {
        Concat() {
            super("Concat", "concatenate along axis");
            inputs(1, Integer.MAX_VALUE);
            attr("axis", AttrType.INT, null, "concatenation axis");
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape first = in.get(0).shape();
            int axis = axis(node, first, node.i("axis"));
            int total = 0;
            for (ValueType t : in) {
                Shape s = t.shape();
                if (s.rank() != first.rank() || !s.withDim(axis, 0).equals(first.withDim(axis, 0))) {
                    throw error(node, "cannot concatenate " + first + " with " + s + " on axis " + axis);
                }
                total += s.dim(axis);
            }
            return one(new ValueType(in.get(0).dtype(), first.withDim(axis, total)));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            Shape first = in[0].shapeObj();
            int axis = first.axis((int) node.i("axis"));
            int outer = (int) first.product(0, axis);
            int total = 0;
            for (NdArray a : in) total += a.dim(axis);
            int inner = (int) first.product(axis + 1, first.rank());
            NdArray result = in[0].newLike(first.withDim(axis, total).toArray());
            Object out = result.raw();
            int off = 0;
            for (NdArray a : in) {
                if (a.isLong() != result.isLong()) throw error(node, "inputs mix float and int64");
                int len = a.dim(axis) * inner;
                for (int o = 0; o < outer; o++) System.arraycopy(a.raw(), o * len, out, o * total * inner + off, len);
                off += len;
            }
            return new NdArray[] {result};
        }
    }

    /**
     * Moves each bs x bs spatial block into channels, in the TensorFlow/ONNX (DCR) order: output
     * channel (by * bs + bx) * C + c. (PyTorch's pixel_unshuffle uses c * bs * bs + by * bs + bx.)
     */
    static final class SpaceToDepth extends OpDef {
        SpaceToDepth() {
            super("SpaceToDepth", "bs x bs blocks to channels, channel = (by*bs+bx)*C + c (ONNX/TF order)");
            inputs(1);
            attr("blocksize", AttrType.INT, null, "block size");
            Layouts.declare(this);
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape x = Layouts.toNchw(node, in.get(0).shape());
            int bs = (int) node.i("blocksize");
            if (x.rank() != 4 || bs < 1 || x.dim(2) % bs != 0 || x.dim(3) % bs != 0) {
                throw error(node, "input " + x + " is not divisible into " + bs + "x" + bs + " blocks");
            }
            return one(new ValueType(in.get(0).dtype(), Layouts.fromNchw(node, Shape.of(x.dim(0), x.dim(1) * bs * bs, x.dim(2) / bs, x.dim(3) / bs))));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            NdArray xin = Layouts.inNchw(node, in[0]);
            int[] s = xin.shape();
            int bs = (int) node.i("blocksize");
            int n = s[0], c = s[1], h = s[2], w = s[3], oh = h / bs, ow = w / bs, oc = c * bs * bs;
            float[] x = xin.data(), y = new float[x.length];
            for (int b = 0; b < n; b++)
                for (int ch = 0; ch < c; ch++)
                    for (int iy = 0; iy < h; iy++)
                        for (int ix = 0; ix < w; ix++) {
                            int by = iy % bs, bx = ix % bs;
                            int o = (by * bs + bx) * c + ch;
                            y[((b * oc + o) * oh + iy / bs) * ow + ix / bs] = x[((b * c + ch) * h + iy) * w + ix];
                        }
            return new NdArray[] {Layouts.outOfNchw(node, NdArray.of(new int[] {n, oc, oh, ow}, y))};
        }
    }

    /** numpy.take(data, indices, axis): indices (int64) replace axis {@code axis} of data. */
    static final class Gather extends OpDef {
        Gather() {
            super("Gather", "take(data, int64 indices, axis)");
            inputs(2);
            attr("axis", AttrType.INT, 0L, "gathered axis");
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            Shape d = in.get(0).shape(), idx = in.get(1).shape();
            if (in.get(1).dtype() != DType.INT64 && in.get(1).dtype() != DType.INT32) throw error(node, "indices must be integers");
            int axis = axis(node, d, node.i("axis"));
            int[] out = new int[d.rank() - 1 + idx.rank()];
            int k = 0;
            for (int i = 0; i < axis; i++) out[k++] = d.dim(i);
            for (int i = 0; i < idx.rank(); i++) out[k++] = idx.dim(i);
            for (int i = axis + 1; i < d.rank(); i++) out[k++] = d.dim(i);
            return one(new ValueType(in.get(0).dtype(), Shape.of(out)));
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            Shape d = in[0].shapeObj();
            int axis = d.axis((int) node.i("axis"));
            long[] idx = in[1].longs();
            int outer = (int) d.product(0, axis), dim = d.dim(axis), inner = (int) d.product(axis + 1, d.rank());
            int[] out = infer(node, List.of(new ValueType(in[0].dtype(), d), new ValueType(DType.INT64, in[1].shapeObj()))).get(0).shape().toArray();
            NdArray result = in[0].newLike(out);
            Object a = in[0].raw(), r = result.raw();
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < idx.length; i++) {
                    long j = idx[i] < 0 ? idx[i] + dim : idx[i];
                    if (j < 0 || j >= dim) throw error(node, "index " + idx[i] + " out of range for axis of size " + dim);
                    System.arraycopy(a, (int) ((o * dim + j) * inner), r, (o * idx.length + i) * inner, inner);
                }
            }
            return new NdArray[] {result};
        }
    }

    /** A node that produces a fixed tensor (imported graphs have these; passes fold them). */
    static final class Constant extends OpDef {
        Constant() {
            super("Constant", "produces the tensor in attribute `value`");
            inputs(0);
            attr("value", AttrType.TENSOR, null, "the tensor");
        }

        @Override
        public List<ValueType> infer(Node node, List<ValueType> in) {
            return one(node.tensor("value").type());
        }

        @Override
        public NdArray[] compute(Node node, NdArray[] in) {
            Tensor t = node.tensor("value");
            return new NdArray[] {NdArray.fromTensor(t)};
        }
    }
}
