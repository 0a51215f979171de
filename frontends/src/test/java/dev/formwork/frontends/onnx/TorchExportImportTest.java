package dev.formwork.frontends.onnx;

import static dev.formwork.frontends.testing.Errors.fails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Node;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The golden cases' {@code torch.onnx.export} files (PyTorch 1.13, see testdata/golden/README.md)
 * imported and run on the reference interpreter against the float64 reference logits, at the
 * golden tolerance.
 */
class TorchExportImportTest {
    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "tiny_v1_64, torch_opset13.onnx, 2e-5",
        "tiny_v1_64, torch_opset17.onnx, 2e-5",
        "tiny_v2_64, torch_opset13.onnx, 2e-5",
        "tiny_v2_64, torch_opset17.onnx, 2e-5",
        "s0_224, torch_opset17.onnx, 5e-5",
    })
    void importedGraphMatchesTheGolden(String name, String file, double tol) {
        Path dir = TestData.golden(name);
        NdArray input = Npy.read(dir.resolve("input.npy"));
        NdArray expected = Npy.read(dir.resolve("expected_f64.npy"));
        LoadedModel m = Models.load(dir.resolve(file).toString(), LoadOptions.defaults());
        Graph g = m.graph();
        GraphVerifier.verify(g);
        assertEquals(file.replace(".onnx", ""), m.name());
        // the IR is static: no shape computations survive import
        for (Node n : g.nodes()) assertFalse(n.is("Shape") || n.is("Constant"), n.toString());
        assertEquals("input", g.input(0).name());
        assertArrayEquals(input.shape(), g.input(0).shape().toArray());
        assertEquals("logits", g.output(0).name());
        // initializers are views of the mapped file, not heap copies
        int convs = 0;
        for (Node n : g.nodes()) {
            if (!n.is("Conv")) continue;
            convs++;
            assertTrue(n.input(1).constant().data().isDirect(), "weight of " + n.name() + " is a view of the mapped file");
        }
        assertTrue(convs > 10, convs + " convolutions");
        NdArray out = new Interpreter(g).run(input)[0];
        assertArrayEquals(expected.shape(), out.shape());
        double err = 0;
        for (int i = 0; i < out.size(); i++) err = Math.max(err, Math.abs((double) out.data()[i] - expected.data()[i]));
        System.out.printf("onnx import %s/%s: %d IR nodes, logits max-abs %.3e%n", name, file, g.nodeCount(), err);
        assertTrue(err <= tol, "max-abs " + err + " > " + tol);
    }

    @Test
    void inspectListsEveryBlockingOpAtOnce() {
        Path file = TestData.golden("tiny_v1_64").resolve("torch_opset17.onnx");
        OnnxFile.Model m = OnnxWireReader.read(file);
        assertEquals(java.util.List.of(), OnnxImporter.problems(m, ImportOptions.defaults()));
        // rename two node types and add an attribute: three problems, all reported
        var nodes = new java.util.ArrayList<>(m.graph().nodes());
        int erf = indexOf(nodes, "Erf"), conv = indexOf(nodes, "Conv"), mm = indexOf(nodes, "MatMul");
        nodes.set(erf, retype(nodes.get(erf), "Erfc"));
        nodes.set(mm, retype(nodes.get(mm), "MatMulInteger"));
        var attrs = new java.util.LinkedHashMap<>(nodes.get(conv).attributes());
        attrs.put("weird", new OnnxFile.Attribute("weird", OnnxFile.Attribute.INT, 0, 1, null, null, new float[0], new long[0], java.util.List.of(), false));
        OnnxFile.Node c = nodes.get(conv);
        nodes.set(conv, new OnnxFile.Node(c.name(), c.opType(), c.domain(), c.inputs(), c.outputs(), attrs));
        OnnxFile.Graph g = m.graph();
        OnnxFile.Model broken = new OnnxFile.Model(m.file(), m.irVersion(), m.opsets(),
                new OnnxFile.Graph(g.name(), nodes, g.initializers(), g.inputs(), g.outputs(), g.valueInfos()), m.producer());
        var problems = OnnxImporter.problems(broken, ImportOptions.defaults());
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("(Erfc, opset 17): unsupported op")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("(MatMulInteger, opset 17): unsupported op")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("(Conv, opset 17): unsupported attribute weird")), problems.toString());
        fails(() -> OnnxImporter.importGraph(broken, ImportOptions.defaults(), "x"), "(Conv, opset 17): unsupported attribute weird");
    }

    @Test
    void dynamicDimsNeedABinding() {
        Path file = TestData.golden("tiny_v1_64").resolve("torch_opset17.onnx");
        OnnxFile.Model m = OnnxWireReader.read(file);
        OnnxFile.ValueInfo in = m.graph().inputs().get(0);
        var dims = java.util.List.<Object>of("batch_size", 3L, "height", "width");
        OnnxFile.Graph g = m.graph();
        OnnxFile.Model dyn = new OnnxFile.Model(m.file(), m.irVersion(), m.opsets(), new OnnxFile.Graph(g.name(), g.nodes(), g.initializers(),
                java.util.List.of(new OnnxFile.ValueInfo(in.name(), in.elemType(), dims)), g.outputs(), g.valueInfos()), m.producer());
        fails(() -> OnnxImporter.importGraph(dyn, new ImportOptions(2, null, java.util.Map.of()), "x"),
                "input input: dim 2 (height) is dynamic; bind it with --image-size");
        Graph bound = OnnxImporter.importGraph(dyn, new ImportOptions(2, 64, java.util.Map.of()), "x");
        assertArrayEquals(new int[] {2, 3, 64, 64}, bound.input(0).shape().toArray());
    }

    private static int indexOf(java.util.List<OnnxFile.Node> nodes, String op) {
        for (int i = 0; i < nodes.size(); i++) if (nodes.get(i).opType().equals(op)) return i;
        throw new AssertionError("no " + op);
    }

    private static OnnxFile.Node retype(OnnxFile.Node n, String op) {
        return new OnnxFile.Node(n.name(), op, n.domain(), n.inputs(), n.outputs(), n.attributes());
    }
}
