package dev.formwork.runtimes.tensorflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.savedmodel.SavedModelExporter;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.passes.PassContext;
import dev.formwork.passes.PassManager;
import dev.formwork.passes.Pipelines;
import dev.formwork.passes.TargetProfile;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Small graphs exported as SavedModels, run on TensorFlow Java and compared with the reference interpreter. */
final class SavedModelHarness {
    static final int[] TO_NHWC = {0, 2, 3, 1}, TO_NCHW = {0, 3, 1, 2};

    private SavedModelHarness() {}

    /** Terse construction of one-to-few-op graphs. */
    static final class Tiny {
        final Graph g;
        private final Random r = new Random(11);

        Tiny(String name) {
            g = new Graph(name);
        }

        Value in(int... shape) {
            return g.addInput("x" + g.inputs().size(), ValueType.f32(shape));
        }

        Value c(int... shape) {
            Shape s = Shape.of(shape);
            float[] d = new float[(int) s.numel()];
            for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian() * 0.5f;
            return g.addConstant("c" + g.constants().size(), Tensor.ofFloats(s, d));
        }

        Value pos(int... shape) {
            Shape s = Shape.of(shape);
            float[] d = new float[(int) s.numel()];
            for (int i = 0; i < d.length; i++) d[i] = 0.5f + r.nextFloat();
            return g.addConstant("p" + g.constants().size(), Tensor.ofFloats(s, d));
        }

        Value op(String op, Attributes a, Value... ins) {
            return g.apply(op, op.toLowerCase() + g.nodeCount(), a, ins);
        }

        Value op(String op, Value... ins) {
            return op(op, Attributes.EMPTY, ins);
        }

        List<Value> multi(String op, Attributes a, Value... ins) {
            Node n = g.add(op, op.toLowerCase() + g.nodeCount(), List.of(ins), a);
            return n.outputs();
        }

        Value conv(Value x, int out, int k, int stride, int pad, int groups, int dilation, boolean bias) {
            int cin = x.shape().dim(1);
            Attributes a = Attributes.of("strides", new int[] {stride, stride}, "pads", new int[] {pad, pad, pad, pad}, "groups", groups,
                    "dilations", new int[] {dilation, dilation});
            return bias ? op("Conv", a, x, c(out, cin / groups, k, k), c(out)) : op("Conv", a, x, c(out, cin / groups, k, k));
        }

        /** A 3x3 conv, so the graph has an image laid out NHWC (what the writers see in practice). */
        Value conv(Value x, int out) {
            return conv(x, out, 3, 1, 1, 1, 1, true);
        }

        Graph out(Value... outs) {
            for (Value v : outs) g.addOutput(v);
            return g;
        }
    }

    static Path export(Graph g, ExportOptions o, Path dir) {
        try {
            SavedModelExporter e = new SavedModelExporter();
            Path p = dir.resolve(e.fileName(o.name()));
            e.check(g, o);
            e.write(g, o, p);
            return p;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** {@code g} after the default pass pipeline for the savedmodel profile (GELU becomes its Erf form). */
    static Graph passes(Graph g, ExportOptions o) {
        TargetProfile profile = new SavedModelExporter().profile(o);
        Graph c = g.copy();
        new PassManager().run(c, Pipelines.forTarget("default", profile, o.gelu()), PassContext.of(profile).withGelu(o.gelu()), false);
        return c;
    }

    static NdArray gaussian(int[] shape, long seed) {
        Random r = new Random(seed);
        float[] d = new float[(int) NdArray.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextGaussian();
        return NdArray.of(shape, d);
    }

    /** Exports {@code g} (NCHW), runs it on TensorFlow at 1 thread and checks every output against the interpreter; returns the worst error relative to the output scale. */
    static double check(Graph g, Path dir, ExportOptions o) {
        GraphVerifier.verify(g);
        NdArray[] x = new NdArray[g.inputs().size()];
        for (int i = 0; i < x.length; i++) x[i] = gaussian(g.input(i).shape().toArray(), 7 + i);
        NdArray[] ref = new Interpreter(g).run(x);
        Path p = export(g, o.withName(g.name()), dir);
        boolean nhwc = o.tfInput().equals("nhwc");
        NdArray[] fed = new NdArray[x.length];
        for (int i = 0; i < x.length; i++) fed[i] = nhwc && x[i].rank() == 4 ? ShapeOps.permute(x[i], TO_NHWC) : x[i];
        NdArray[] got;
        try (Session s = new SavedModelRuntime().open(p, RunOptions.defaults().withThreads(1))) {
            got = s.run(fed);
        }
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            NdArray y = nhwc && got[i].rank() == 4 ? ShapeOps.permute(got[i], TO_NCHW) : got[i];
            assertArrayEquals(ref[i].shape(), y.shape(), "output shape");
            Comparison c = Comparison.of(y, ref[i]);
            assertTrue(o.precision() == ExportOptions.Precision.FP16 ? c.withinFp16() : c.withinFp32(),
                    g.name() + " output " + i + ": max abs " + c.maxAbs() + " of " + c.maxAbsReference());
            worst = Math.max(worst, c.relativeToScale());
        }
        return worst;
    }

    static double check(Graph g, Path dir) {
        return check(g, dir, new ExportOptions());
    }
}
