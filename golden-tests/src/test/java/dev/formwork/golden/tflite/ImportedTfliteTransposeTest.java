package dev.formwork.golden.tflite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * TFLite from an imported torch.onnx.export keeps the transpose budget the zoo graphs keep
 * (GoldenCasesTfliteTest): none outside attention, at most 4 (V1) / 6 (V2) per attention block.
 */
class ImportedTfliteTransposeTest {
    /** Attention modules of an imported graph: the ONNX module path of each Softmax ({@code .../token_mixer}, {@code .../attn}). */
    static List<String> attentionBlocks(Graph g) {
        List<String> out = new ArrayList<>();
        for (Node n : g.nodes()) if (n.is("Softmax")) out.add(n.name().substring(0, n.name().lastIndexOf('/')));
        return out;
    }

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "tiny_v1_64, torch_opset13.onnx, 4", "tiny_v1_64, torch_opset17.onnx, 4",
        "tiny_v2_64, torch_opset13.onnx, 6", "tiny_v2_64, torch_opset17.onnx, 6",
        "s0_224, torch_opset17.onnx, 6",
    })
    void importedFilesKeepTheBudget(String golden, String file, int budget, @TempDir Path dir) throws Exception {
        LoadedModel m = Models.load(TestData.golden(golden).resolve(file).toString(), LoadOptions.defaults());
        ExportOptions o = TfliteArtifacts.options(m);
        Graph g = TfliteArtifacts.passes(m, "default", o);
        List<String> blocks = attentionBlocks(g);
        Map<String, Integer> per = TfliteArtifacts.fileTransposes(TfliteArtifacts.export(g, o, dir), blocks);
        System.out.printf("onnx import %s/%s tflite transposes: %s%n", golden, file, per);
        assertEquals(0, per.get(""), "transposes outside attention: " + per);
        for (Map.Entry<String, Integer> e : per.entrySet()) {
            assertTrue(e.getValue() <= budget, e.getKey() + ": " + e.getValue() + " transposes > " + budget);
        }
        assertTrue(blocks.size() > 0, "found attention blocks");
    }
}
