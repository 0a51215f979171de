package dev.formwork.frontends.onnx;

import static dev.formwork.frontends.testing.Errors.fails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The small torch.onnx.export models of tools/export-onnx-import-samples.py (testdata/onnx-import):
 * imported and run on the reference interpreter against PyTorch's own outputs.
 */
class OwnExportsImportTest {
    static Path file(String name) {
        return TestData.root().resolve("onnx-import").resolve(name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tiny_block_dynamic, 2, 48", "split_opset13, , ", "slice_bounds, , "})
    void matchesPyTorch(String name, Integer batch, Integer size) {
        NdArray x = Npy.read(file(name + ".input.npy")), want = Npy.read(file(name + ".expected.npy"));
        OnnxFile.Model m = OnnxWireReader.read(file(name + ".onnx"));
        assertEquals(13, m.defaultOpset());
        Graph g = OnnxImporter.importGraph(m, new ImportOptions(batch, size, Map.of()), name);
        GraphVerifier.verify(g);
        NdArray y = new Interpreter(g).run(x)[0];
        assertArrayEquals(want.shape(), y.shape());
        double err = 0;
        for (int i = 0; i < y.size(); i++) err = Math.max(err, Math.abs(y.data()[i] - want.data()[i]));
        System.out.printf("onnx import %s: %s, max abs %.3g%n", name, g.opHistogram(), err);
        assertTrue(err <= 1e-5, name + ": max abs " + err);
    }

    @Test
    void theSamplesHoldWhatTheyAreFor() {
        OnnxFile.Model split = OnnxWireReader.read(file("split_opset13.onnx"));
        long withInput = split.graph().nodes().stream().filter(n -> n.opType().equals("Split") && n.input(1) != null).count();
        assertEquals(1, withInput, "uneven split: sizes as input (the even forms, without the input, are ONNX's test_split_equal_parts_*)");
        OnnxFile.Model tiny = OnnxWireReader.read(file("tiny_block_dynamic.onnx"));
        assertEquals(java.util.List.of("batch", 3L, "height", "width"), tiny.graph().inputs().get(0).dims());
        assertTrue(tiny.graph().nodes().stream().anyMatch(n -> n.opType().equals("Shape")), "a shape chain to fold");
    }

    @Test
    void aFixedImageSizeIsNotOverridden() {
        OnnxFile.Model m = OnnxWireReader.read(TestData.golden("tiny_v1_64").resolve("torch_opset17.onnx"));
        fails(() -> OnnxImporter.importGraph(m, new ImportOptions(2, 96, Map.of()), "x"),
                "input input: dim 2 is fixed at 64 in the file; an image size of 96 needs a model exported with dynamic height and width");
        assertEquals(64, OnnxImporter.importGraph(m, new ImportOptions(2, 64, Map.of()), "x").input(0).shape().dim(2));
    }

    @Test
    void dynamicDimsAreNamedWhenUnbound() {
        OnnxFile.Model m = OnnxWireReader.read(file("tiny_block_dynamic.onnx"));
        fails(() -> OnnxImporter.importGraph(m, ImportOptions.defaults(), "x"), "input input: dim 0 (batch) is dynamic; bind it with --batch");
        fails(() -> OnnxImporter.importGraph(m, new ImportOptions(1, null, Map.of()), "x"),
                "input input: dim 2 (height) is dynamic; bind it with --image-size");
        Graph g = OnnxImporter.importGraph(m, new ImportOptions(3, 32, Map.of()), "x");
        assertArrayEquals(new int[] {3, 3, 32, 32}, g.input(0).shape().toArray());
        assertArrayEquals(new int[] {3, 7}, g.output(0).shape().toArray());
    }
}
