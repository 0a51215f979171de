package dev.formwork.runtimes.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.onnx.OnnxExporter;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import dev.formwork.runtimes.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ONNX Runtime adapter: found by extension, runs exported files, reports bad input in one line. */
class OnnxRuntimeAdapterTest {
    static Graph graph() {
        Graph g = new Graph("tiny");
        Value x = g.addInput("input", ValueType.f32(2, 3, 8, 8));
        float[] w = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i * 0.37) * 0.3f;
        Value y = g.apply("Conv", "stem", Attributes.of("strides", new long[] {2, 2}, "pads", new long[] {1, 1, 1, 1}), x,
                g.addConstant("stem.weight", Tensor.ofFloats(Shape.of(4, 3, 3, 3), w)));
        y = g.apply("Gelu", "act", y);
        y = g.apply("ReduceMean", "pool", Attributes.of("axes", new long[] {2, 3}, "keepdims", 0L), y);
        g.addOutput(g.apply("Softmax", "logits", y));
        return g;
    }

    static NdArray input() {
        float[] f = new float[2 * 3 * 8 * 8];
        for (int i = 0; i < f.length; i++) f[i] = (float) Math.cos(i * 0.11);
        return NdArray.of(new int[] {2, 3, 8, 8}, f);
    }

    static Path export(Path dir, ExportOptions o) throws Exception {
        Path p = dir.resolve("tiny.onnx");
        new OnnxExporter().write(graph(), o, p);
        return p;
    }

    @Test
    void runsAnExportedModelLikeTheReference(@TempDir Path dir) throws Exception {
        Path p = export(dir, new ExportOptions().withOnnxOpset(20));
        assertEquals("onnxruntime", Runtimes.forArtifact(p).name());
        NdArray ref = new Interpreter(graph()).run(input())[0];
        for (int threads : new int[] {0, 1, 2}) {
            try (Session s = Runtimes.open(p, RunOptions.defaults().withThreads(threads))) {
                assertEquals(new TensorSpec("input", DType.FLOAT32, Shape.of(2, 3, 8, 8)), s.inputs().get(0));
                assertEquals(new TensorSpec("logits", DType.FLOAT32, Shape.of(2, 4)), s.outputs().get(0));
                Comparison c = Comparison.of(s.run(input())[0], ref);
                assertTrue(c.withinFp32(), "max abs " + c.maxAbs());
            }
        }
    }

    @Test
    void fp16ModelsTakeAndGiveFloat32(@TempDir Path dir) throws Exception {
        Path p = export(dir, new ExportOptions().withOnnxOpset(17).withPrecision(ExportOptions.Precision.FP16, true));
        try (Session s = Runtimes.open(p, RunOptions.defaults())) {
            assertEquals(DType.FLOAT32, s.outputs().get(0).dtype());
            Comparison c = Comparison.of(s.run(input())[0], new Interpreter(graph()).run(input())[0]);
            assertTrue(c.withinFp16(), "cosine " + c.cosine());
        }
    }

    @Test
    void wrongInputShapeIsOneLineNamingTheFile(@TempDir Path dir) throws Exception {
        Path p = export(dir, new ExportOptions());
        try (Session s = Runtimes.open(p, RunOptions.defaults())) {
            var ex = assertThrows(FormworkException.class, () -> s.run(NdArray.zeros(1, 3, 8, 8)));
            assertTrue(ex.getMessage().startsWith(p + ": input input has shape [1, 3, 8, 8]"), ex.getMessage());
        }
    }

    @Test
    void unreadableFileIsAFormworkException(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("junk.onnx");
        Files.write(p, new byte[] {1, 2, 3, 4});
        var ex = assertThrows(FormworkException.class, () -> Runtimes.open(p, RunOptions.defaults()));
        assertTrue(ex.getMessage().startsWith(p.toString()), ex.getMessage());
        assertTrue(!ex.getMessage().contains("\n"));
        assertThrows(FormworkException.class, () -> Runtimes.open(dir.resolve("missing.onnx"), RunOptions.defaults()));
    }
}
