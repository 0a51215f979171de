package dev.formwork.frontends.onnx;

import dev.formwork.frontends.onnx.OnnxFile.Attribute;
import dev.formwork.frontends.onnx.OnnxFile.Node;
import dev.formwork.frontends.onnx.OnnxImporter.Sym;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.DType;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongBinaryOperator;
import java.util.stream.IntStream;

/**
 * One ONNX node -> IR nodes (or known data). Ops the IR has map one to one; the rest are
 * lowered where the lowering is exact: Squeeze/Unsqueeze/Flatten to Reshape, Gemm to Linear or
 * MatMul, GlobalAveragePool to ReduceMean, DepthToSpace to Reshape-Transpose-Reshape, 1-D pooling
 * to 2-D pooling over a height of 1, Neg to a multiply by -1, Expand to a multiply by ones.
 */
final class OnnxOps {
    private final OnnxImporter im;
    private final Node n;

    private OnnxOps(OnnxImporter im, Node n) {
        this.im = im;
        this.n = n;
    }

    static void importNode(OnnxImporter im, Node n) {
        new OnnxOps(im, n).run();
    }

    private void run() {
        String op = n.opType();
        switch (op) {
            case "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Mod", "Equal", "Less", "Greater", "And", "Or" -> binary(op);
            case "Relu", "Erf", "Tanh", "Sigmoid", "Sqrt", "Exp", "HardSwish" -> unaryFloat(op, Attributes.EMPTY);
            case "Gelu" -> unaryFloat("Gelu", Attributes.of("approximate", str("approximate", "none")));
            case "Neg" -> {
                if (isInt(0)) foldInt((a, b) -> -a);
                else out(apply("Mul", im.name(), Attributes.EMPTY, im.in(0), im.scalar(-1f, im.name() + "/minus_one")));
            }
            case "Reciprocal" -> out(apply("Div", im.name(), Attributes.EMPTY, im.scalar(1f, im.name() + "/one"), im.in(0)));
            case "Not" -> {
                NdArray a = im.known(0, "the operand");
                long[] r = a.longs().clone();
                for (int i = 0; i < r.length; i++) r[i] = r[i] == 0 ? 1 : 0;
                im.outKnown(0, NdArray.ofLongs(a.shape(), r), DType.INT64);
            }
            case "Sum" -> {
                Value acc = im.in(0);
                for (int i = 1; i < n.inputs().size(); i++) acc = apply("Add", i == n.inputs().size() - 1 ? im.name() : im.name() + "/" + i, Attributes.EMPTY, acc, im.in(i));
                if (n.inputs().size() == 1) im.alias(0, im.inSym(0));
                else out(acc);
            }
            case "Identity", "Dropout" -> {
                if (op.equals("Dropout") && im.has(2) && knownScalar(2, "training_mode") != 0) throw im.error("training_mode=1 is not inference");
                if (im.outputUsed(1)) throw im.error("the mask output is not supported");
                im.alias(0, im.inSym(0));
            }
            case "Cast" -> cast(intAttr("to", 1));
            case "CastLike" -> cast(typeOf(1));
            case "Constant" -> constant();
            case "ConstantOfShape" -> {
                long[] shape = im.known(0, "the shape").longs();
                Attribute v = attr("value");
                NdArray fill = v == null ? NdArray.of(new int[] {1}, new float[] {0f}) : OnnxTensors.toArray(v.t(), null, im.model.file().toString());
                int[] s = Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
                int count = (int) NdArray.numel(s);
                if (fill.isLong()) {
                    long[] r = new long[count];
                    Arrays.fill(r, fill.longs()[0]);
                    im.outKnown(0, NdArray.ofLongs(s, r), DType.INT64);
                } else {
                    float[] r = new float[count];
                    Arrays.fill(r, fill.data()[0]);
                    im.outKnown(0, NdArray.of(s, r), DType.FLOAT32);
                }
            }
            case "Shape" -> {
                int[] d = im.shape(0).toArray();
                int r = d.length;
                long start = clampAxis(intAttr("start", 0), r), end = clampAxis(intAttr("end", r), r);
                long[] out = new long[(int) Math.max(0, end - start)];
                for (int i = 0; i < out.length; i++) out[i] = d[(int) start + i];
                im.outKnown(0, NdArray.ofLongs(new int[] {out.length}, out), DType.INT64);
            }
            case "Size" -> im.outKnown(0, NdArray.ofLongs(new int[0], new long[] {im.shape(0).numel()}), DType.INT64);
            case "Range" -> {
                long start = knownScalar(0, "start"), limit = knownScalar(1, "limit"), delta = knownScalar(2, "delta");
                if (im.dtype(0) != DType.INT64 || delta == 0) throw im.error("only integer ranges with a non-zero delta are supported");
                int count = (int) Math.max(0, (limit - start + delta + (delta > 0 ? -1 : 1)) / delta);
                long[] r = new long[count];
                for (int i = 0; i < count; i++) r[i] = start + i * delta;
                im.outKnown(0, NdArray.ofLongs(new int[] {count}, r), DType.INT64);
            }
            case "Where" -> where();
            case "Expand" -> expand();
            case "Conv" -> OnnxSpatialOps.conv(im, this);
            case "AveragePool", "MaxPool" -> OnnxSpatialOps.pool(im, this, op);
            case "GlobalAveragePool", "GlobalMaxPool" -> {
                int r = im.shape(0).rank();
                long[] axes = IntStream.range(2, r).asLongStream().toArray();
                out(apply(op.equals("GlobalAveragePool") ? "ReduceMean" : "ReduceMax", im.name(), Attributes.of("axes", axes, "keepdims", 1L), im.in(0)));
            }
            case "BatchNormalization" -> {
                if (intAttr("training_mode", 0) != 0) throw im.error("training_mode=1 is not inference");
                if (im.outputUsed(1) || im.outputUsed(2)) throw im.error("running mean/var outputs are training outputs");
                out(g().add("BatchNorm", im.name(), List.of(im.in(0), im.in(1), im.in(2), im.in(3), im.in(4)),
                        Attributes.of("epsilon", (double) floatAttr("epsilon", 1e-5f))).output());
            }
            case "LayerNormalization" -> layerNorm();
            case "MatMul" -> matMul();
            case "Gemm" -> gemm();
            case "Softmax" -> softmax();
            case "ReduceMean", "ReduceSum", "ReduceMax" -> reduce(op);
            case "Reshape" -> reshape();
            case "Flatten" -> {
                Shape x = im.shape(0);
                long axis = intAttr("axis", 1);
                int a = (int) (axis < 0 ? axis + x.rank() : axis);
                if (a < 0 || a > x.rank()) throw im.error("axis " + axis + " out of range for " + x);
                out(reshapeTo(im.in(0), new long[] {x.product(0, a), x.product(a, x.rank())}, im.name()));
            }
            case "Transpose" -> {
                int r = im.shape(0).rank();
                long[] perm = has("perm") ? ints("perm") : IntStream.range(0, r).mapToLong(i -> r - 1 - i).toArray();
                out(apply("Transpose", im.name(), Attributes.of("perm", perm), im.in(0)));
            }
            case "Squeeze", "Unsqueeze" -> squeeze(op.equals("Unsqueeze"));
            case "Concat" -> {
                List<Value> ins = new ArrayList<>();
                boolean allKnownInts = true;
                for (int i = 0; i < n.inputs().size(); i++) allKnownInts &= isInt(i) && im.knownOrNull(i) != null;
                if (allKnownInts) {
                    // int64 pieces (shape vectors) are concatenated here; empty pieces are allowed
                    List<Long> r = new ArrayList<>();
                    if (im.shape(0).rank() != 1) {
                        for (int i = 0; i < n.inputs().size(); i++) ins.add(im.in(i));
                        out(g().add("Concat", im.name(), ins, Attributes.of("axis", intAttr("axis", 0))).output());
                        return;
                    }
                    for (int i = 0; i < n.inputs().size(); i++) for (long v : im.knownOrNull(i).longs()) r.add(v);
                    long[] a = r.stream().mapToLong(Long::longValue).toArray();
                    im.outKnown(0, NdArray.ofLongs(new int[] {a.length}, a), DType.INT64);
                    return;
                }
                for (int i = 0; i < n.inputs().size(); i++) if (im.shape(i).numel() > 0 || n.inputs().size() == 1) ins.add(im.in(i));
                out(g().add("Concat", im.name(), ins, Attributes.of("axis", intAttr("axis", 0))).output());
            }
            case "Split" -> split();
            case "Slice" -> slice();
            case "Gather" -> {
                Value idx = im.value(im.inSym(1), n.input(1));
                out(apply("Gather", im.name(), Attributes.of("axis", intAttr("axis", 0)), im.in(0), idx));
            }
            case "SpaceToDepth" -> out(apply("SpaceToDepth", im.name(), Attributes.of("blocksize", intAttr("blocksize", 1)), im.in(0)));
            case "DepthToSpace" -> depthToSpace();
            case "Resize" -> OnnxSpatialOps.resize(im, this);
            case "Pad" -> pad();
            default -> throw im.error("unsupported op");
        }
    }

    // ------------------------------------------------------------------ helpers shared with OnnxSpatialOps

    dev.formwork.ir.Graph g() {
        return im.g;
    }

    Value apply(String op, String name, Attributes a, Value... ins) {
        return im.apply(op, name, a, ins);
    }

    void out(Value v) {
        im.out(0, v);
    }

    Attribute attr(String name) {
        return n.attributes().get(name);
    }

    boolean has(String name) {
        return attr(name) != null;
    }

    long intAttr(String name, long dflt) {
        Attribute a = attr(name);
        return a == null ? dflt : a.i();
    }

    float floatAttr(String name, float dflt) {
        Attribute a = attr(name);
        return a == null ? dflt : a.f();
    }

    String str(String name, String dflt) {
        Attribute a = attr(name);
        return a == null || a.s() == null ? dflt : java.nio.charset.StandardCharsets.UTF_8.decode(a.s().duplicate()).toString();
    }

    long[] ints(String name, long... dflt) {
        Attribute a = attr(name);
        return a == null ? dflt : a.ints();
    }

    private boolean isInt(int i) {
        return im.dtype(i) == DType.INT64 || im.dtype(i) == DType.INT32;
    }

    private long knownScalar(int i, String what) {
        NdArray a = im.known(i, what);
        if (a.size() != 1) throw im.error(what + " must be a single value");
        return a.isLong() ? a.longs()[0] : (long) a.data()[0];
    }

    private static long clampAxis(long a, int r) {
        if (a < 0) a += r;
        return Math.max(0, Math.min(r, a));
    }

    private int typeOf(int i) {
        return im.dtype(i) == DType.INT64 ? OnnxTensors.INT64 : im.dtype(i) == DType.FLOAT16 ? OnnxTensors.FLOAT16 : OnnxTensors.FLOAT;
    }

    Value reshapeTo(Value x, long[] shape, String name) {
        return apply("Reshape", name, Attributes.of("shape", shape), x);
    }

    // ------------------------------------------------------------------ op groups

    private void binary(String op) {
        NdArray a = im.knownOrNull(0), b = im.knownOrNull(1);
        if (isInt(0) || isInt(1)) {
            LongBinaryOperator f = IntArith.op(op);
            if (op.equals("Pow")) f = (x, y) -> (long) Math.pow(x, y);
            if (a == null || b == null || f == null) throw im.error("integer " + op + " of a value computed at run time is not supported");
            NdArray r = IntArith.apply(IntArith.toLongs(a), IntArith.toLongs(b), f);
            if (r == null) throw im.error("cannot broadcast " + im.shape(0) + " with " + im.shape(1));
            im.outKnown(0, r, DType.INT64);
            return;
        }
        if (Arrays.asList("Max", "Min", "Mod", "Equal", "Less", "Greater", "And", "Or").contains(op)) {
            throw im.error(op + " on float values is not supported");
        }
        out(apply(op, im.name(), Attributes.EMPTY, im.in(0), im.in(1)));
    }

    private void foldInt(LongBinaryOperator f) {
        NdArray a = im.known(0, "the operand");
        im.outKnown(0, IntArith.apply(a, NdArray.ofLongs(new int[0], new long[] {0}), f), DType.INT64);
    }

    private void unaryFloat(String op, Attributes a) {
        if (isInt(0)) throw im.error(op + " of an integer value is not supported");
        out(apply(op, im.name(), a, im.in(0)));
    }

    private void cast(long to) {
        DType target = OnnxTensors.irType((int) to);
        Sym x = im.inSym(0);
        if (target == null) throw im.error("cast to " + OnnxTensors.typeName((int) to) + " is not supported");
        NdArray k = im.knownOrNull(0);
        boolean toFloat = to == OnnxTensors.FLOAT || to == OnnxTensors.DOUBLE;
        if (k != null && (toFloat || target == DType.INT64)) {
            NdArray r = toFloat ? IntArith.toFloats(k) : IntArith.toLongs(k);
            if (to == OnnxTensors.BOOL) {
                long[] l = r.longs().clone();
                for (int i = 0; i < l.length; i++) l[i] = l[i] != 0 ? 1 : 0;
                r = NdArray.ofLongs(r.shape(), l);
            }
            im.outKnown(0, r, toFloat ? DType.FLOAT32 : DType.INT64);
            return;
        }
        if (to == OnnxTensors.FLOAT && x.dtype == DType.FLOAT32) {
            im.alias(0, x);
            return;
        }
        throw im.error("cast of a run-time " + x.dtype.label() + " value to " + OnnxTensors.typeName((int) to) + " is not supported");
    }

    private void constant() {
        Attribute a = n.attributes().values().stream().findFirst().orElseThrow(() -> im.error("no value attribute"));
        String file = im.model.file().toString();
        switch (a.name()) {
            case "value" -> {
                NdArray v = OnnxTensors.toArray(a.t(), im.model.file().toAbsolutePath().getParent(), file);
                DType d = OnnxTensors.irType(a.t().dataType());
                im.outKnown(0, v, d == DType.FLOAT16 ? DType.FLOAT32 : d);
            }
            case "value_float" -> im.outKnown(0, NdArray.of(new int[0], new float[] {a.f()}), DType.FLOAT32);
            case "value_floats" -> im.outKnown(0, NdArray.of(new int[] {a.floats().length}, a.floats()), DType.FLOAT32);
            case "value_int" -> im.outKnown(0, NdArray.ofLongs(new int[0], new long[] {a.i()}), DType.INT64);
            case "value_ints" -> im.outKnown(0, NdArray.ofLongs(new int[] {a.ints().length}, a.ints()), DType.INT64);
            default -> throw im.error("unsupported attribute " + a.name());
        }
    }

    private void where() {
        NdArray c = im.known(0, "the condition"), x = im.known(1, "the true branch"), y = im.known(2, "the false branch");
        if (x.isLong() != y.isLong()) throw im.error("branches differ in type");
        if (x.isLong()) {
            NdArray xs = IntArith.apply(c, x, (cc, v) -> v), ys = IntArith.apply(c, y, (cc, v) -> v);
            NdArray cs = IntArith.apply(c, x, (cc, v) -> cc);
            NdArray shaped = IntArith.apply(cs, ys, (cc, v) -> cc);
            NdArray xb = IntArith.apply(xs, shaped, (v, cc) -> v), yb = IntArith.apply(ys, shaped, (v, cc) -> v);
            long[] r = new long[shaped.size()];
            for (int i = 0; i < r.length; i++) r[i] = shaped.longs()[i] != 0 ? xb.longs()[i] : yb.longs()[i];
            im.outKnown(0, NdArray.ofLongs(shaped.shape(), r), DType.INT64);
            return;
        }
        throw im.error("Where on float values is not supported");
    }

    private void expand() {
        long[] shape = im.known(1, "the shape").longs();
        Shape x = im.shape(0);
        int[] target = Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
        int[] out = dev.formwork.ir.kernels.Broadcast.shape(x.toArray(), target);
        if (out == null) throw im.error("cannot expand " + x + " to " + Arrays.toString(shape));
        if (Arrays.equals(out, x.toArray())) {
            im.alias(0, im.inSym(0));
            return;
        }
        if (isInt(0)) {
            NdArray k = im.known(0, "the expanded value");
            im.outKnown(0, IntArith.apply(k, NdArray.ofLongs(out, new long[(int) NdArray.numel(out)]), (a, b) -> a), DType.INT64);
            return;
        }
        float[] ones = new float[(int) NdArray.numel(out)];
        Arrays.fill(ones, 1f);
        // x * 1 is x exactly (also -0, inf and NaN), so the product is the broadcast copy
        out(apply("Mul", im.name(), Attributes.EMPTY, im.in(0), im.constant(NdArray.of(out, ones), im.name() + "/ones")));
    }

    private void layerNorm() {
        Shape x = im.shape(0);
        long axis = intAttr("axis", -1);
        double eps = floatAttr("epsilon", 1e-5f);
        int a = (int) (axis < 0 ? axis + x.rank() : axis);
        Value scale = im.in(1);
        Value bias = im.has(2) ? im.in(2) : im.constant(NdArray.zeros(im.shape(1).toArray()), im.name() + "/zero_bias");
        out(g().add("LayerNorm", im.name(), List.of(im.in(0), scale, bias), Attributes.of("axis", axis, "epsilon", eps)).output());
        if (im.outputUsed(1) || im.outputUsed(2)) {
            // Mean and InvStdDev (training outputs of the op): mean and 1/sqrt(var + eps) over the normalised axes
            long[] axes = IntStream.range(a, x.rank()).asLongStream().toArray();
            String base = im.name();
            Value mean = apply("ReduceMean", base + "/mean", Attributes.of("axes", axes, "keepdims", 1L), im.in(0));
            Value d = apply("Sub", base + "/centered", Attributes.EMPTY, im.in(0), mean);
            Value var = apply("ReduceMean", base + "/var", Attributes.of("axes", axes, "keepdims", 1L),
                    apply("Mul", base + "/sq", Attributes.EMPTY, d, d));
            Value std = apply("Sqrt", base + "/std", Attributes.EMPTY, apply("Add", base + "/var_eps", Attributes.EMPTY, var, im.scalar((float) eps, base + "/eps")));
            im.out(1, mean);
            im.out(2, apply("Div", base + "/inv_std", Attributes.EMPTY, im.scalar(1f, base + "/one"), std));
        }
    }

    private void matMul() {
        Shape a = im.shape(0), b = im.shape(1);
        Value x = im.in(0), y = im.in(1);
        if (a.rank() >= 2 && b.rank() >= 2) {
            out(apply("MatMul", im.name(), Attributes.EMPTY, x, y));
            return;
        }
        // numpy 1-D rules: a [K] is [1,K] (row), b [K] is [K,1] (column); the added axis is dropped after
        if (a.rank() == 1) x = reshapeTo(x, new long[] {1, a.dim(0)}, im.name() + "/row");
        if (b.rank() == 1) y = reshapeTo(y, new long[] {b.dim(0), 1}, im.name() + "/column");
        Value p = apply("MatMul", im.name() + "/matmul", Attributes.EMPTY, x, y);
        Shape ps = p.shape();
        List<Integer> dims = new ArrayList<>();
        for (int i = 0; i < ps.rank(); i++) {
            if (a.rank() == 1 && i == ps.rank() - 2) continue;
            if (b.rank() == 1 && i == ps.rank() - 1) continue;
            dims.add(ps.dim(i));
        }
        out(reshapeTo(p, dims.stream().mapToLong(Integer::longValue).toArray(), im.name()));
    }

    /** Y = alpha * A' B' + beta * C: a Linear when B is a constant and alpha = beta = 1 with a vector C, else MatMul + Mul + Add. */
    private void gemm() {
        float alpha = floatAttr("alpha", 1f), beta = floatAttr("beta", 1f);
        boolean transA = intAttr("transA", 0) != 0, transB = intAttr("transB", 0) != 0;
        String base = im.name();
        Value a = im.in(0);
        if (transA) a = apply("Transpose", base + "/transpose_a", Attributes.of("perm", new long[] {1, 0}), a);
        boolean bKnown = im.inSym(1).isKnown();
        Shape cShape = im.has(2) ? im.shape(2) : null;
        int outCols = transB ? im.shape(1).dim(0) : im.shape(1).dim(1);
        boolean vectorBias = cShape == null || (cShape.numel() == outCols && (cShape.rank() == 1 || (cShape.rank() == 2 && cShape.dim(0) == 1)));
        if (bKnown && alpha == 1f && beta == 1f && vectorBias && (cShape == null || outCols > 1 || cShape.rank() > 0)) {
            // Linear's weight is [out, in]: B itself with transB (still the file's bytes), else B transposed once
            Value w = transB ? im.in(1)
                    : im.constant(dev.formwork.ir.op.ShapeOps.permute(im.known(1, "B"), new int[] {1, 0}), n.input(1) + "/transposed");
            List<Value> ins = new ArrayList<>(List.of(a, w));
            if (cShape != null) ins.add(reshapeConst(2, outCols));
            out(g().add("Linear", base, ins, Attributes.EMPTY).output());
            return;
        }
        Value b = im.in(1);
        if (transB) b = apply("Transpose", base + "/transpose_b", Attributes.of("perm", new long[] {1, 0}), b);
        boolean more = alpha != 1f || cShape != null;
        Value y = apply("MatMul", more ? base + "/matmul" : base, Attributes.EMPTY, a, b);
        if (alpha != 1f) y = apply("Mul", cShape != null ? base + "/alpha" : base, Attributes.EMPTY, y, im.scalar(alpha, base + "/alpha_value"));
        if (cShape != null) {
            Value c = im.in(2);
            if (beta != 1f) c = apply("Mul", base + "/beta", Attributes.EMPTY, c, im.scalar(beta, base + "/beta_value"));
            y = apply("Add", base, Attributes.EMPTY, y, c);
        }
        out(y);
    }

    /** Input {@code i} (a known bias) as a [n] constant. */
    private Value reshapeConst(int i, int count) {
        NdArray k = im.knownOrNull(i);
        if (k == null) return reshapeTo(im.in(i), new long[] {count}, im.name() + "/bias");
        return im.constant(k.copy().reshape(count), n.input(i));
    }

    private void softmax() {
        Shape x = im.shape(0);
        long axis = intAttr("axis", im.opset >= 13 ? -1 : 1);
        int a = (int) (axis < 0 ? axis + x.rank() : axis);
        if (im.opset >= 13 || a == x.rank() - 1) {
            out(apply("Softmax", im.name(), Attributes.of("axis", axis), im.in(0)));
            return;
        }
        // opset < 13: softmax over the flattened trailing axes [axis, rank)
        Value flat = reshapeTo(im.in(0), new long[] {x.product(0, a), x.product(a, x.rank())}, im.name() + "/flat");
        Value s = apply("Softmax", im.name() + "/softmax", Attributes.of("axis", -1L), flat);
        out(reshapeTo(s, x.toLongArray(), im.name()));
    }

    private void reduce(String op) {
        Shape x = im.shape(0);
        boolean axesInput = op.equals("ReduceSum") ? im.opset >= 13 : im.opset >= 18;
        long[] axes = axesInput ? (im.has(1) ? im.known(1, "axes").longs() : new long[0]) : ints("axes");
        if (axes.length == 0) {
            if (intAttr("noop_with_empty_axes", 0) != 0) {
                im.alias(0, im.inSym(0));
                return;
            }
            axes = IntStream.range(0, x.rank()).asLongStream().toArray();
        }
        out(apply(op, im.name(), Attributes.of("axes", axes, "keepdims", intAttr("keepdims", 1)), im.in(0)));
    }

    /** ONNX Reshape: 0 copies the input dim unless allowzero = 1; the IR's Reshape takes the literal result. */
    private void reshape() {
        long[] shape = im.known(1, "the target shape").longs().clone();
        Shape x = im.shape(0);
        if (intAttr("allowzero", 0) == 0) {
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == 0) {
                    if (i >= x.rank()) throw im.error("shape entry " + i + " is 0 (copy) but the input " + x + " has no dim " + i);
                    shape[i] = x.dim(i);
                }
            }
        }
        if (isInt(0)) {
            NdArray k = im.known(0, "the reshaped value");
            Shape s = Shape.of(shape);
            long[] resolved = shape.clone();
            long known = 1;
            int inferred = -1;
            for (int i = 0; i < shape.length; i++) if (shape[i] == -1) inferred = i; else known *= shape[i];
            if (inferred >= 0) resolved[inferred] = known == 0 ? 0 : k.size() / known;
            im.outKnown(0, k.copy().reshape(Arrays.stream(resolved).mapToInt(Math::toIntExact).toArray()), DType.INT64);
            return;
        }
        out(reshapeTo(im.in(0), shape, im.name()));
    }

    private void squeeze(boolean unsqueeze) {
        Shape x = im.shape(0);
        long[] axes = im.opset >= 13 ? (im.has(1) ? im.known(1, "axes").longs() : null) : (has("axes") ? ints("axes") : null);
        List<Integer> dims = new ArrayList<>();
        for (int d : x.toArray()) dims.add(d);
        if (unsqueeze) {
            if (axes == null) throw im.error("axes are required");
            int r = x.rank() + axes.length;
            long[] norm = Arrays.stream(axes).map(v -> v < 0 ? v + r : v).sorted().toArray();
            for (long v : norm) {
                if (v < 0 || v >= r) throw im.error("axis out of range for output rank " + r);
                dims.add((int) v, 1);
            }
        } else {
            int r = x.rank();
            boolean[] drop = new boolean[r];
            if (axes == null) for (int i = 0; i < r; i++) drop[i] = x.dim(i) == 1;
            else for (long v : axes) {
                int a = (int) (v < 0 ? v + r : v);
                if (a < 0 || a >= r || x.dim(a) != 1) throw im.error("cannot squeeze axis " + v + " of " + x);
                drop[a] = true;
            }
            dims.clear();
            for (int i = 0; i < r; i++) if (!drop[i]) dims.add(x.dim(i));
        }
        long[] shape = dims.stream().mapToLong(Integer::longValue).toArray();
        NdArray k = im.knownOrNull(0);
        if (k != null && k.isLong()) {
            im.outKnown(0, k.copy().reshape(dims.stream().mapToInt(Integer::intValue).toArray()), DType.INT64);
            return;
        }
        out(reshapeTo(im.in(0), shape, im.name()));
    }

    private void split() {
        Shape x = im.shape(0);
        long axis = intAttr("axis", 0);
        int a = (int) (axis < 0 ? axis + x.rank() : axis);
        int dim = x.dim(a);
        long[] sizes;
        if (im.opset >= 13 && im.has(1)) {
            sizes = im.known(1, "split").longs();
        } else if (im.opset < 13 && has("split")) {
            sizes = ints("split");
        } else {
            int parts = has("num_outputs") ? (int) intAttr("num_outputs", 0) : n.outputs().size();
            int each = (dim + parts - 1) / parts;
            if (!has("num_outputs") && dim % parts != 0) throw im.error("axis of size " + dim + " does not split into " + parts + " equal parts");
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) sizes[i] = Math.max(0, Math.min(each, dim - (long) i * each));
        }
        if (sizes.length != n.outputs().size()) throw im.error(sizes.length + " split sizes for " + n.outputs().size() + " outputs");
        dev.formwork.ir.Node node = g().add("Split", im.name(), List.of(im.in(0)), Attributes.of("axis", (long) a, "split", sizes));
        for (int i = 0; i < sizes.length; i++) im.out(i, node.output(i));
    }

    private void slice() {
        long[] starts, ends, axes, steps;
        if (im.opset >= 10) {
            starts = im.known(1, "starts").longs();
            ends = im.known(2, "ends").longs();
            axes = im.has(3) ? im.known(3, "axes").longs() : IntStream.range(0, starts.length).asLongStream().toArray();
            steps = im.has(4) ? im.known(4, "steps").longs() : new long[0];
        } else {
            starts = ints("starts");
            ends = ints("ends");
            axes = has("axes") ? ints("axes") : IntStream.range(0, starts.length).asLongStream().toArray();
            steps = new long[0];
        }
        // int64 bounds beyond int range (INT64_MAX for "to the end") clamp to the axis, as ONNX says
        long[] s = clampAll(starts), e = clampAll(ends);
        out(apply("Slice", im.name(), Attributes.of("axes", axes, "starts", s, "ends", e, "steps", steps), im.in(0)));
    }

    private static long[] clampAll(long[] v) {
        long[] r = v.clone();
        for (int i = 0; i < r.length; i++) r[i] = Math.max(Integer.MIN_VALUE / 2, Math.min(Integer.MAX_VALUE / 2, r[i]));
        return r;
    }

    /** Pad: only the no-op form (every pad 0), which exporters write before pooling; real padding has no IR op. */
    private void pad() {
        long[] pads = im.opset >= 11 ? im.known(1, "pads").longs() : ints("pads");
        if (Arrays.stream(pads).anyMatch(p -> p != 0)) throw im.error("non-zero pads " + Arrays.toString(pads) + " are not supported");
        im.alias(0, im.inSym(0));
    }

    /** DCR: [N, bs, bs, C', H, W] -> [N, C', H, bs, W, bs]; CRD: [N, C', bs, bs, H, W] -> same; then [N, C', H*bs, W*bs]. */
    private void depthToSpace() {
        Shape x = im.shape(0);
        long bs = intAttr("blocksize", 1);
        if (x.rank() != 4 || x.dim(1) % (bs * bs) != 0) throw im.error("input " + x + " does not split into " + bs + "x" + bs + " blocks");
        long n0 = x.dim(0), c = x.dim(1) / (bs * bs), h = x.dim(2), w = x.dim(3);
        boolean crd = str("mode", "DCR").equals("CRD");
        String base = im.name();
        Value r = reshapeTo(im.in(0), crd ? new long[] {n0, c, bs, bs, h, w} : new long[] {n0, bs, bs, c, h, w}, base + "/blocks");
        long[] perm = crd ? new long[] {0, 1, 4, 2, 5, 3} : new long[] {0, 3, 4, 1, 5, 2};
        Value t = apply("Transpose", base + "/interleave", Attributes.of("perm", perm), r);
        out(reshapeTo(t, new long[] {n0, c, h * bs, w * bs}, base));
    }
}
