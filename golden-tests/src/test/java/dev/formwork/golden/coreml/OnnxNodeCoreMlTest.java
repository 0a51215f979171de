package dev.formwork.golden.coreml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.cli.Main;
import dev.formwork.exporters.coreml.validate.CoreMlValidator;
import dev.formwork.frontends.onnx.OnnxFile.TensorData;
import dev.formwork.frontends.onnx.OnnxWireReader;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import dev.formwork.testing.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX's own node cases for the ops the importer added that Core ML now writes (testdata/onnx-node-full:
 * HardSwish and every 1-D/2-D MaxPool without dilations, auto_pad and ceil_mode included), converted
 * by the CLI to .mlpackage and .mlmodel in fp32 and run on the Core ML executor against the outputs
 * ONNX ships with each case, at the suite's tolerance (1e-7 + 1e-3 |expected|).
 */
class OnnxNodeCoreMlTest {
    static final Path ROOT = TestData.root().resolve("onnx-node-full");

    static float[] floats(TensorData t) {
        if (t.floatData() != null && t.floatData().length > 0) return t.floatData();
        var b = t.raw().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] v = new float[b.remaining()];
        b.get(v);
        return v;
    }

    static NdArray array(TensorData t) {
        int[] dims = new int[t.dims().length];
        for (int i = 0; i < dims.length; i++) dims[i] = Math.toIntExact(t.dims()[i]);
        return NdArray.of(dims, floats(t));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"test_hardswish", "test_maxpool_1d_default", "test_maxpool_2d_default", "test_maxpool_2d_pads",
            "test_maxpool_2d_strides", "test_maxpool_2d_ceil", "test_maxpool_2d_ceil_output_size_reduce_by_one",
            "test_maxpool_2d_same_upper", "test_maxpool_2d_same_lower", "test_maxpool_2d_precomputed_pads",
            "test_maxpool_2d_precomputed_same_upper", "test_maxpool_2d_precomputed_strides"})
    void bothFormatsMatchOnnxsExpectedOutput(String name, @TempDir Path dir) {
        Path c = ROOT.resolve(name);
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.execute(new String[] {"convert", c.resolve("model.onnx").toString(), "--target", "coreml,coreml-nn",
                "--precision", "fp32", "--out", dir.toString()}, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, name + ": " + err);
        NdArray x = array(OnnxWireReader.readTensor(c.resolve("test_data_set_0/input_0.pb")));
        NdArray want = array(OnnxWireReader.readTensor(c.resolve("test_data_set_0/output_0.pb")));
        for (String file : new String[] {"model.mlpackage", "model.mlmodel"}) {
            Path artifact = dir.resolve(file);
            assertEquals(java.util.List.of(), CoreMlValidator.violations(artifact), file);
            NdArray got;
            try (Session s = Runtimes.open(artifact, RunOptions.defaults())) {
                got = s.run(x)[0];
            }
            assertArrayEquals(want.shape(), got.shape(), name + " " + file);
            float[] g = got.data(), e = want.data();
            for (int i = 0; i < e.length; i++) {
                assertTrue(Math.abs(g[i] - e[i]) <= 1e-7 + 1e-3 * Math.abs(e[i]), name + " " + file + " element " + i + ": " + g[i] + " vs " + e[i]);
            }
        }
    }
}
