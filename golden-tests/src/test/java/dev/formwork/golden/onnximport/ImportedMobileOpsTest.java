package dev.formwork.golden.onnximport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.frontends.onnx.ImportOptions;
import dev.formwork.frontends.onnx.OnnxImporter;
import dev.formwork.frontends.onnx.OnnxWireReader;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end from a real exporter: testdata/onnx-import/mobile_attention.onnx
 * (tools/export-onnx-import-samples.py: torch.onnx.export at opset 17 of Conv-BN-Hardswish,
 * MaxPool2d(3, 2, 1), attention with amax / exp / sum(keepdim=True), mean and amax pools) is
 * converted to onnx, tflite, savedmodel and both Core ML formats, and each artifact runs on its
 * runtime (ONNX Runtime, the TFLite interpreter, TensorFlow, the Core ML executor) within 1e-4 of
 * the reference interpreter on the imported graph, which itself matches PyTorch's output.
 */
class ImportedMobileOpsTest {
    private static final double BOUND = 1e-4;

    private static Path file(String name) {
        return TestData.root().resolve("onnx-import").resolve(name);
    }

    @Test
    void everyTargetMatchesTheReferenceInterpreter(@TempDir Path dir) throws Exception {
        Path onnx = file("mobile_attention.onnx"), input = file("mobile_attention.input.npy");
        Map<String, Integer> imported = OnnxImporter.importGraph(OnnxWireReader.read(onnx), ImportOptions.defaults(), "m").opHistogram();
        for (String op : List.of("MaxPool", "HardSwish", "Exp", "ReduceSum", "ReduceMax")) {
            assertTrue(imported.containsKey(op), op + " in the imported graph: " + imported);
        }

        Path y = dir.resolve("y.npy");
        TorchOnnxImportTest.cli("run", onnx.toString(), "--engine", "reference", "--input", input.toString(), "--output", y.toString());
        NdArray reference = Npy.read(y), x = Npy.read(input);
        check("reference vs PyTorch", reference, Npy.read(file("mobile_attention.expected.npy")), 1e-5);

        Path out = Files.createDirectories(dir.resolve("out"));
        TorchOnnxImportTest.cli("convert", onnx.toString(), "--target", "onnx,tflite,savedmodel,coreml,coreml-nn", "--precision", "fp32",
                "--out", out.toString(), "--name", "m");
        check("onnx on ONNX Runtime", TorchOnnxImportTest.runArtifact(out.resolve("m.onnx"), x), reference, BOUND);
        check("tflite", TorchOnnxImportTest.runArtifact(out.resolve("m.tflite"), x), reference, BOUND);
        check("savedmodel on TensorFlow", TorchOnnxImportTest.runArtifact(out.resolve("m.savedmodel"), x), reference, BOUND);
        check("ML Program on the Core ML executor", TorchOnnxImportTest.runArtifact(out.resolve("m.mlpackage"), x), reference, BOUND);
        check("NeuralNetwork on the Core ML executor", TorchOnnxImportTest.runArtifact(out.resolve("m.mlmodel"), x), reference, BOUND);

        Map<String, Integer> tflite = ArtifactReaders.read(out.resolve("m.tflite")).ops();
        Map<String, Integer> tf = ArtifactReaders.read(out.resolve("m.savedmodel")).ops();
        System.out.printf("mobile_attention: imported %s%n  tflite %s%n  savedmodel %s%n", imported, tflite, tf);
        for (String op : List.of("MAX_POOL_2D", "HARD_SWISH", "EXP", "SUM", "REDUCE_MAX")) assertTrue(tflite.containsKey(op), op + ": " + tflite);
        for (String op : List.of("MaxPool", "Relu6", "Exp", "Sum", "Max")) assertTrue(tf.containsKey(op), op + ": " + tf);
        Map<String, Integer> mil = ArtifactReaders.read(out.resolve("m.mlpackage")).ops();
        Map<String, Integer> nn = ArtifactReaders.read(out.resolve("m.mlmodel")).ops();
        System.out.printf("  mlpackage %s%n  mlmodel %s%n", mil, nn);
        for (String op : List.of("max_pool", "sigmoid_hard", "exp", "reduce_sum", "reduce_max", "real_div")) assertTrue(mil.containsKey(op), op + ": " + mil);
        for (String op : List.of("pooling", "unary", "reduceSum", "reduceMax", "divideBroadcastable")) assertTrue(nn.containsKey(op), op + ": " + nn);
    }

    private static void check(String what, NdArray got, NdArray want, double bound) {
        assertArrayEquals(want.shape(), got.shape(), what);
        Comparison c = Comparison.of(got, want);
        System.out.printf("mobile_attention %s: max abs %.3g (bound %.0e)%n", what, c.maxAbs(), bound);
        assertTrue(c.maxAbs() <= bound, what + ": max abs " + c.maxAbs() + " > " + bound);
    }
}
