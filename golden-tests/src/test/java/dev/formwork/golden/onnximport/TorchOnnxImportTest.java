package dev.formwork.golden.onnximport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.cli.Main;
import dev.formwork.frontends.onnx.OnnxWireReader;
import dev.formwork.golden.GoldenData;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import dev.formwork.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Acceptance for ONNX import, on the golden cases' {@code torch.onnx.export} files (PyTorch 1.13,
 * testdata/golden/README.md): {@code run --engine reference} on the imported file, and
 * {@code convert --target onnx,tflite,coreml} from it run on ONNX Runtime, the TFLite interpreter
 * and Formwork's Core ML executor, against the golden logits at the golden tolerance (2e-5 tiny,
 * 5e-5 s0_224); fp16 targets keep cosine >= 0.999 and the top-1. The re-exported .onnx has fewer
 * nodes than the torch export.
 */
class TorchOnnxImportTest {
    static String cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, String.join(" ", args) + ": " + err);
        return out.toString();
    }

    static NdArray runArtifact(Path artifact, NdArray nchw) {
        try (Session s = Runtimes.open(artifact, RunOptions.defaults().withThreads(1))) {
            int[] want = s.inputs().get(0).shape().toArray();
            NdArray in = java.util.Arrays.equals(want, nchw.shape()) ? nchw : ShapeOps.permute(nchw, new int[] {0, 2, 3, 1});
            return s.run(in)[0];
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "tiny_v1_64, torch_opset13.onnx, 2e-5",
        "tiny_v1_64, torch_opset17.onnx, 2e-5",
        "tiny_v2_64, torch_opset13.onnx, 2e-5",
        "tiny_v2_64, torch_opset17.onnx, 2e-5",
        "s0_224, torch_opset17.onnx, 5e-5",
    })
    void everyTargetFromTheImportedFileMatchesTheGolden(String golden, String file, double tol, @TempDir Path dir) throws Exception {
        Path onnx = TestData.golden(golden).resolve(file);
        Path input = TestData.golden(golden).resolve("input.npy");
        NdArray x = GoldenData.input(golden), expected = GoldenData.expected(golden);

        Path y = dir.resolve("y.npy");
        cli("run", onnx.toString(), "--engine", "reference", "--input", input.toString(), "--output", y.toString());
        check(golden + " reference", Npy.read(y), expected, tol);

        Path out = Files.createDirectories(dir.resolve("fp32"));
        cli("convert", onnx.toString(), "--target", "onnx,tflite,coreml", "--precision", "fp32", "--out", out.toString(), "--name", "m");
        check(golden + " onnx on ONNX Runtime", runArtifact(out.resolve("m.onnx"), x), expected, tol);
        check(golden + " tflite", runArtifact(out.resolve("m.tflite"), x), expected, tol);
        check(golden + " coreml", runArtifact(out.resolve("m.mlpackage"), x), expected, tol);

        int before = OnnxWireReader.read(onnx).graph().nodes().size();
        int after = OnnxWireReader.read(out.resolve("m.onnx")).graph().nodes().size();
        System.out.printf("onnx import %s/%s: torch export %d nodes, Formwork re-export %d nodes%n", golden, file, before, after);
        assertTrue(after < before, "re-export " + after + " nodes vs " + before);

        if (file.equals("torch_opset17.onnx")) {
            Path half = Files.createDirectories(dir.resolve("fp16"));
            cli("convert", onnx.toString(), "--target", "tflite,coreml", "--precision", "fp16", "--out", half.toString(), "--name", "m");
            for (String a : new String[] {"m.tflite", "m.mlpackage"}) {
                Comparison c = Comparison.of(runArtifact(half.resolve(a), x), expected);
                System.out.printf("onnx import %s fp16 %s: cosine %.7f, top-1 %d/%d%n", golden, a, c.cosine(), c.top1Agree(), c.rows());
                assertTrue(c.withinFp16(), golden + " fp16 " + a + ": cosine " + c.cosine() + ", top-1 " + c.top1Agree() + "/" + c.rows());
            }
        }
    }

    private static void check(String what, NdArray got, NdArray expected, double tol) {
        Comparison c = Comparison.of(got, expected);
        System.out.printf("onnx import %s: max abs %.3g (bound %.0e)%n", what, c.maxAbs(), tol);
        assertTrue(c.maxAbs() <= tol, what + ": max abs " + c.maxAbs() + " > " + tol);
        assertEquals(c.rows(), c.top1Agree(), what + " top-1");
    }
}
