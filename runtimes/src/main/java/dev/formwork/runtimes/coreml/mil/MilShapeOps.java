package dev.formwork.runtimes.coreml.mil;

import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.runtimes.coreml.kernels.Blocks;
import dev.formwork.runtimes.coreml.kernels.Permute;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Shape ops from coremltools {@code iOS15/tensor_transformation.py}, {@code iOS16/...} and
 * {@code iOS17/...}:
 * <ul>
 *   <li>reshape: at most one -1 (inferred); a 0 copies a dim of x — in iOS15/16 only when
 *       {@code len(shape) == rank(x)} (same index; otherwise an error); from iOS17 zeros match x's
 *       dims from the right and a 0 with no counterpart becomes 1;</li>
 *   <li>transpose (perm a full permutation), squeeze (axes default all size-1 axes; a listed axis
 *       whose size is not 1 is kept, the PyTorch behaviour), expand_dims (axes in
 *       {@code [-rank-1, rank]} of the output rank);</li>
 *   <li>space_to_depth / depth_to_space (block_size int32, TF/ONNX channel order),
 *       pixel_shuffle (upscale_factor int32) and, from iOS16, pixel_unshuffle
 *       (downscale_factor <b>uint32</b>) in PyTorch order.</li>
 * </ul>
 */
final class MilShapeOps {
    private MilShapeOps() {}

    static void register(Map<String, MilOp> t) {
        t.put("reshape", MilShapeOps::reshape);
        t.put("transpose", c -> {
            MilValue x = c.in("x");
            int[] perm = c.intsParam("perm", null);
            if (perm == null) throw c.fail("required input 'perm' is not bound");
            for (int k = 0; k < perm.length; k++) if (perm[k] < 0) perm[k] += x.rank();
            if (!Permute.valid(perm, x.rank())) throw c.fail("perm " + Arrays.toString(perm) + " is not a permutation of rank " + x.rank());
            int[] xs = x.shape();
            return new MilValue[] {DataMoves.move(x, Permute.shape(xs, perm), d -> Permute.apply(d, xs, perm))};
        });
        t.put("squeeze", MilShapeOps::squeeze);
        t.put("expand_dims", MilShapeOps::expandDims);
        t.put("space_to_depth", c -> blocks(c, "block_size", true, false, 15));
        t.put("depth_to_space", c -> blocks(c, "block_size", false, false, 15));
        t.put("pixel_shuffle", c -> blocks(c, "upscale_factor", false, true, 15));
        t.put("pixel_unshuffle", c -> blocks(c, "downscale_factor", true, true, 16));
    }

    private static MilValue[] reshape(MilOpContext c) {
        MilValue x = c.in("x");
        long[] target = c.in("shape").longs();
        int[] xs = x.shape();
        int[] out = new int[target.length];
        int inferAt = -1;
        for (int k = 0; k < target.length; k++) {
            long v = target[k];
            if (v == -1) {
                if (inferAt >= 0) throw c.fail("shape has more than one -1");
                inferAt = k;
            } else if (v == 0) {
                if (c.ios() < 17) {
                    if (target.length != xs.length) {
                        throw c.fail("shape " + Arrays.toString(target) + " has a 0 but its length differs from rank(x) = " + xs.length
                                + " (allowed only from iOS17)");
                    }
                    out[k] = xs[k];
                } else {
                    int j = xs.length - (target.length - k);
                    out[k] = j >= 0 ? xs[j] : 1;
                }
            } else if (v < 0) {
                throw c.fail("shape entry " + v + " is negative");
            } else {
                out[k] = Math.toIntExact(v);
            }
        }
        if (inferAt >= 0) {
            long known = 1;
            for (int k = 0; k < out.length; k++) if (k != inferAt) known *= out[k];
            if (known == 0 || x.size() % known != 0) throw c.fail("cannot infer -1 reshaping " + x.describe() + " to " + Arrays.toString(target));
            out[inferAt] = (int) (x.size() / known);
        }
        long n = 1;
        for (int d : out) n *= d;
        if (n != x.size()) throw c.fail("cannot reshape " + x.describe() + " to " + Arrays.toString(out));
        return new MilValue[] {DataMoves.reshape(x, out)};
    }

    private static MilValue[] squeeze(MilOpContext c) {
        MilValue x = c.in("x");
        int r = x.rank();
        boolean[] drop = new boolean[r];
        int[] axes = c.intsParam("axes", null);
        for (int k = 0; k < r; k++) drop[k] = axes == null && x.dim(k) == 1;
        if (axes != null) for (int a : axes) drop[c.axis(a, r)] = x.dim(c.axis(a, r)) == 1;
        List<Integer> shape = new ArrayList<>();
        for (int k = 0; k < r; k++) if (!drop[k]) shape.add(x.dim(k));
        return new MilValue[] {DataMoves.reshape(x, shape.stream().mapToInt(Integer::intValue).toArray())};
    }

    private static MilValue[] expandDims(MilOpContext c) {
        MilValue x = c.in("x");
        int[] axes = c.intsParam("axes", null);
        if (axes == null) throw c.fail("required input 'axes' is not bound");
        int outRank = x.rank() + axes.length;
        boolean[] ins = new boolean[outRank];
        for (int a : axes) {
            if (a < -outRank || a >= outRank) throw c.fail("axis " + a + " out of range for output rank " + outRank);
            int p = a < 0 ? a + outRank : a;
            if (ins[p]) throw c.fail("axis " + a + " repeated");
            ins[p] = true;
        }
        int[] shape = new int[outRank];
        for (int k = 0, j = 0; k < outRank; k++) shape[k] = ins[k] ? 1 : x.dim(j++);
        return new MilValue[] {DataMoves.reshape(x, shape)};
    }

    private static MilValue[] blocks(MilOpContext c, String param, boolean toDepth, boolean torch, int minIos) {
        if (c.ios() < minIos) throw c.fail("needs iOS" + minIos);
        MilValue x = MilElementwiseOps.floatInput(c, "x");
        MilValue f = c.in(param);
        DataType want = c.type().equals("pixel_unshuffle") ? DataType.UINT32 : DataType.INT32;
        if (f.dtype() != want || f.size() != 1) throw c.fail("'" + param + "' must be a " + want.name().toLowerCase() + " scalar, got " + f.describe());
        int bs = (int) f.longs()[0];
        if (x.rank() != 4) throw c.fail("x must be rank 4, got " + x.describe());
        int n = x.dim(0), ch = x.dim(1), h = x.dim(2), w = x.dim(3);
        if (bs < 1) throw c.fail("block size must be positive");
        if (toDepth) {
            if (h % bs != 0 || w % bs != 0) throw c.fail("spatial dims of " + x.describe() + " not divisible by " + bs);
            return new MilValue[] {MilValue.floats(x.dtype(), new int[] {n, ch * bs * bs, h / bs, w / bs},
                    Blocks.spaceToDepth(x.floats(), n, ch, h, w, bs, torch))};
        }
        if (ch % (bs * bs) != 0) throw c.fail("channels of " + x.describe() + " not divisible by " + bs * bs);
        return new MilValue[] {MilValue.floats(x.dtype(), new int[] {n, ch / (bs * bs), h * bs, w * bs},
                Blocks.depthToSpace(x.floats(), n, ch, h, w, bs, torch))};
    }
}
