package dev.formwork.frontends.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.formwork.frontends.onnx.OnnxFile.Model;
import dev.formwork.frontends.onnx.OnnxFile.ValueInfo;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX's backend node tests (testdata/onnx-node-full, 280 cases, see its README) through the
 * importer and the reference interpreter, at the suite's tolerance: same output count, shapes
 * and element types, every element within 1e-7 + 1e-3 |expected|, NaNs in place.
 *
 * <p>The first graph input is fed at run time; the others are imported as constants, as weights
 * and shape vectors are in real models (the IR takes reshape targets, slice bounds and
 * convolution weights as constants). {@code onnx-import-expectations.tsv} lists every case that
 * does not pass, with the error it fails with; a case that changes state (a listed case that
 * passes, an unlisted one that fails, a different error) fails this test until the file is
 * updated.
 */
class OnnxImportConformanceTest {
    static final double RTOL = 1e-3, ATOL = 1e-7;
    static final Path ROOT = TestData.root().resolve("onnx-node-full");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(ROOT)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** case name -> the reason it does not pass (a substring of its error). */
    static Map<String, String> expectations() {
        Map<String, String> m = new TreeMap<>();
        try (var in = OnnxImportConformanceTest.class.getResourceAsStream("/onnx-import-expectations.tsv")) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split("\t", 2);
                m.put(f[0], f[1].trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** Imports and runs one case; returns null when it passes, else why not (one line). */
    static String outcome(Path dir) {
        String name = dir.getFileName().toString();
        Model model = OnnxWireReader.read(dir.resolve("model.onnx"));
        Path data = dir.resolve("test_data_set_0");
        List<NdArray> inputs = new ArrayList<>();
        for (int i = 0; Files.exists(data.resolve("input_" + i + ".pb")); i++) {
            inputs.add(OnnxTensors.toArray(OnnxWireReader.readTensor(data.resolve("input_" + i + ".pb")), dir, name));
        }
        List<NdArray> expected = new ArrayList<>();
        List<Integer> expectedTypes = new ArrayList<>();
        for (int j = 0; Files.exists(data.resolve("output_" + j + ".pb")); j++) {
            OnnxFile.TensorData t = OnnxWireReader.readTensor(data.resolve("output_" + j + ".pb"));
            expectedTypes.add(t.dataType());
            expected.add(OnnxTensors.toArray(t, dir, name));
        }
        List<ValueInfo> graphInputs = model.graph().inputs();
        Map<String, NdArray> frozen = new LinkedHashMap<>();
        for (int i = 1; i < graphInputs.size(); i++) frozen.put(graphInputs.get(i).name(), inputs.get(i));
        Graph g;
        try {
            // a case with a dynamic leading dim gets it from its data, as --batch would give it
            Integer batch = inputs.isEmpty() || inputs.get(0).rank() == 0 ? null : inputs.get(0).shape()[0];
            g = OnnxImporter.importGraph(model, new ImportOptions(batch, null, frozen), name);
            GraphVerifier.verify(g);
        } catch (FormworkException e) {
            return "import: " + e.getMessage().replace(dir.resolve("model.onnx").toString() + ": ", "");
        }
        for (int j = 0; j < expectedTypes.size(); j++) {
            int t = expectedTypes.get(j);
            if (t != OnnxTensors.FLOAT && t != OnnxTensors.INT64) return "output " + j + " is " + OnnxTensors.typeName(t) + ", which the IR does not compute in";
        }
        NdArray[] got = new Interpreter(g).run(graphInputs.isEmpty() ? new NdArray[0] : new NdArray[] {inputs.get(0)});
        if (got.length != expected.size()) return got.length + " outputs, ONNX expects " + expected.size();
        for (int k = 0; k < got.length; k++) {
            NdArray a = got[k], e = expected.get(k);
            if (!java.util.Arrays.equals(a.shape(), e.shape())) {
                return "output " + k + " shape " + java.util.Arrays.toString(a.shape()) + ", ONNX expects " + java.util.Arrays.toString(e.shape());
            }
            if (a.isLong() != e.isLong()) return "output " + k + " element type " + a.dtype().label() + ", ONNX expects " + e.dtype().label();
            if (a.isLong()) {
                if (!java.util.Arrays.equals(a.longs(), e.longs())) return "output " + k + " values differ";
                continue;
            }
            float[] x = a.data(), y = e.data();
            for (int i = 0; i < y.length; i++) {
                boolean ok = Float.isNaN(y[i]) ? Float.isNaN(x[i])
                        : Float.isInfinite(y[i]) ? x[i] == y[i] : Math.abs(x[i] - y[i]) <= ATOL + RTOL * Math.abs(y[i]);
                if (!ok) return "output " + k + " element " + i + ": got " + x[i] + ", ONNX expects " + y[i];
            }
        }
        return null;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void caseMatchesItsExpectation(String name) {
        String why = outcome(ROOT.resolve(name));
        String expected = expectations().get(name);
        if (why == null && expected != null) fail(name + " passes now: remove it from onnx-import-expectations.tsv");
        if (why != null && expected == null) fail(name + " does not pass: " + why);
        if (why != null) assertTrue(why.contains(expected), name + " fails differently: " + why + " (expected: " + expected + ")");
    }

    @Test
    void atLeast95PercentPassAndTheListNamesRealCases() throws IOException {
        List<String> all = cases().toList();
        assertEquals(280, all.size(), "cases in " + ROOT);
        Map<String, String> failing = expectations();
        for (String c : failing.keySet()) assertTrue(all.contains(c), "expectations list an unknown case " + c);
        int passed = all.size() - failing.size();
        System.out.printf("ONNX import conformance: %d/%d pass (%.1f%%)%n", passed, all.size(), 100.0 * passed / all.size());
        assertTrue(passed >= 0.95 * all.size(), passed + "/" + all.size());
    }

    /** The comparison has teeth: the exact-GELU model checked against the tanh-GELU case's data fails. */
    @Test
    void aWrongAnswerIsCaught() throws IOException {
        Path d = Files.createTempDirectory("conformance").resolve("swapped");
        Files.createDirectories(d.resolve("test_data_set_0"));
        Files.copy(ROOT.resolve("test_gelu_default_2").resolve("model.onnx"), d.resolve("model.onnx"));
        try (Stream<Path> s = Files.list(ROOT.resolve("test_gelu_tanh_2").resolve("test_data_set_0"))) {
            for (Path p : s.toList()) Files.copy(p, d.resolve("test_data_set_0").resolve(p.getFileName()));
        }
        String why = outcome(d);
        assertTrue(why != null && why.contains("ONNX expects"), String.valueOf(why));
        assertEquals(null, outcome(ROOT.resolve("test_gelu_tanh_2")));
    }
}
