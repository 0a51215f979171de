package dev.formwork.exporters.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import java.util.SplittableRandom;

/**
 * Export -> official checker (full, with shape inference) -> ONNX Runtime -> compare with the
 * reference interpreter. The fp32 bar is max |ort - ref| <= 1e-5 * max(1, max |ref|).
 */
public final class ExportHarness {
    private ExportHarness() {}

    public static ModelProto model(Graph g, ExportOptions o) {
        return new OnnxExporter().toModel(g, o);
    }

    public static byte[] export(Graph g, ExportOptions o) {
        return model(g, o).toByteArray();
    }

    public static ExportOptions opset(int opset) {
        return new ExportOptions().withOnnxOpset(opset);
    }

    /** Checks and runs {@code g} at {@code opset}; returns the ONNX model for structural asserts. */
    public static ModelProto verify(Graph g, int opset, NdArray... inputs) {
        return verify(g, opset(opset), 1e-5, inputs);
    }

    public static ModelProto verify(Graph g, ExportOptions o, double tol, NdArray... inputs) {
        GraphVerifier.verify(g);
        ModelProto m = model(g, o);
        byte[] bytes = m.toByteArray();
        OnnxChecker.check(bytes);
        NdArray[] ort = OrtRunner.run(bytes, inputs);
        NdArray[] ref = new Interpreter(g).run(inputs);
        for (int i = 0; i < ref.length; i++) {
            assertArrayEquals(ref[i].shape(), ort[i].shape(), "output " + i + " shape");
            Comparison c = Comparison.of(ort[i], ref[i]);
            double bound = tol * Math.max(1.0, c.maxAbsReference());
            assertTrue(c.maxAbs() <= bound, g.name() + " opset " + o.onnxOpset() + " output " + i + ": max abs "
                    + c.maxAbs() + " > " + bound + " (ref scale " + c.maxAbsReference() + ")");
        }
        return m;
    }

    public static NdArray gaussian(long seed, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[Math.toIntExact(NdArray.numel(shape))];
        for (int i = 0; i < f.length; i++) f[i] = (float) gauss(r);
        return NdArray.of(shape, f);
    }

    public static Tensor gaussianTensor(long seed, double scale, int... shape) {
        NdArray a = gaussian(seed, shape);
        float[] f = a.data();
        for (int i = 0; i < f.length; i++) f[i] *= (float) scale;
        return Tensor.ofFloats(Shape.of(shape), f);
    }

    public static Tensor uniformTensor(long seed, double lo, double hi, int... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[Math.toIntExact(NdArray.numel(shape))];
        for (int i = 0; i < f.length; i++) f[i] = (float) (lo + (hi - lo) * r.nextDouble());
        return Tensor.ofFloats(Shape.of(shape), f);
    }

    private static double gauss(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
