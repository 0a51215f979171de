package dev.formwork.golden.onnximport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.formwork.exporters.ArtifactReaders;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * After import and the default passes, a torch.onnx.export of a golden case converts to the same
 * TFLite and Core ML op histograms as the same model built from its config and weights (the zoo
 * path): the recovered-op passes undo the exporter's decompositions. One difference, in the
 * imported file's favour: V1's Core ML program has one transpose fewer (timm's attention, as torch
 * traced it, transposes the qkv tensor once and then splits it; the zoo graph splits first and
 * transposes q, k and v one by one); TFLite's layout pass ends at the same count for both.
 */
class ImportedHistogramTest {
    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "tiny_v1_64, torch_opset13.onnx", "tiny_v1_64, torch_opset17.onnx",
        "tiny_v2_64, torch_opset13.onnx", "tiny_v2_64, torch_opset17.onnx",
        "s0_224, torch_opset17.onnx",
    })
    void tfliteAndCoreMlHistogramsEqualTheZoos(String golden, String file, @TempDir Path dir) throws Exception {
        Path g = TestData.golden(golden);
        Path zoo = Files.createDirectories(dir.resolve("zoo")), imported = Files.createDirectories(dir.resolve("imported"));
        String batch = String.valueOf(dev.formwork.golden.GoldenData.input(golden).dim(0));
        TorchOnnxImportTest.cli("convert", g.resolve("config.json").toString(), "--weights", g.resolve("weights.safetensors").toString(),
                "--batch", batch, "--target", "tflite,coreml", "--out", zoo.toString(), "--name", "m");
        TorchOnnxImportTest.cli("convert", g.resolve(file).toString(), "--target", "tflite,coreml", "--out", imported.toString(), "--name", "m");
        for (String a : new String[] {"m.tflite", "m.mlpackage"}) {
            Map<String, Integer> want = ArtifactReaders.read(zoo.resolve(a)).ops(), got = ArtifactReaders.read(imported.resolve(a)).ops();
            System.out.printf("onnx import %s/%s %s: zoo %s%n    imported %s%n", golden, file, a, want, got);
            int fewer = golden.startsWith("tiny_v1") && a.endsWith(".mlpackage") ? 1 : 0;
            Map<String, Integer> adjusted = new java.util.TreeMap<>(got);
            if (fewer > 0) adjusted.merge("transpose", fewer, Integer::sum);
            assertEquals(want, adjusted, golden + "/" + file + " " + a + (fewer > 0 ? " (imported: " + fewer + " transpose fewer)" : ""));
        }
    }
}
