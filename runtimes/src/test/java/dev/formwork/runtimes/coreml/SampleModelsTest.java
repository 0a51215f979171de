package dev.formwork.runtimes.coreml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.coreml.validate.CoreMlValidator;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The third-party Core ML samples (exporters/src/test/resources/coreml-samples/README.md). */
class SampleModelsTest {
    static final Path SAMPLES = Path.of("../exporters/src/test/resources/coreml-samples");

    @Test
    void tinyDrawingEmbeddingValidatesAndRunsToA128Embedding() {
        Path f = SAMPLES.resolve("TinyDrawingEmbedding.mlmodel");
        assertEquals(java.util.List.of(), CoreMlValidator.violations(f), "a legal spec-1 model must not be flagged");
        try (Session s = Runtimes.open(f, RunOptions.defaults())) {
            assertEquals(Shape.of(1, 1, 28, 28), s.inputs().get(0).shape());
            float[] px = new float[28 * 28];
            for (int i = 6; i < 22; i++) {
                px[i * 28 + 14] = 255f; // a white vertical stroke on black
                px[14 * 28 + i] = 255f;
            }
            NdArray[] out = s.run(NdArray.of(new int[] {1, 1, 28, 28}, px));
            assertEquals(1, out.length);
            assertEquals(Shape.of(128), out[0].shapeObj());
            boolean nonZero = false;
            for (float v : out[0].data()) {
                assertTrue(Float.isFinite(v) && v >= 0, "ReLU output must be finite and >= 0");
                nonZero |= v != 0;
            }
            assertTrue(nonZero);
        }
    }

    /** float_data values of the initializer block that ends with {@code name: "<name>"}. */
    static float[] initializer(String text, String name) {
        int end = text.indexOf("name: \"" + name + "\"");
        int start = text.lastIndexOf("initializer {", end);
        java.util.List<Float> v = new java.util.ArrayList<>();
        for (String line : text.substring(start, end).split("\n")) {
            line = line.trim();
            if (line.startsWith("float_data:")) v.add(Float.parseFloat(line.substring(11).trim()));
        }
        float[] r = new float[v.size()];
        for (int k = 0; k < r.length; k++) r[k] = v.get(k);
        return r;
    }

    @Test
    void kerasDenseMatchesTheOnnxBaselineExactly() throws Exception {
        Path f = SAMPLES.resolve("keras2coreml_Dense_ImageNet_small.mlmodel");
        assertEquals(java.util.List.of(), CoreMlValidator.violations(f));
        // The baseline is the ONNX model's protobuf text; read its two initializers.
        String text = Files.readString(SAMPLES.resolve("keras2coreml_Dense_ImageNet_small.json"));
        float[] w = initializer(text, "FC.W"), bias = initializer(text, "FC.b");
        assertTrue(text.contains("perm") && text.contains("ints: 0\n      ints: 2\n      ints: 3\n      ints: 1"), "baseline transposes (0,2,3,1)");
        assertEquals(54, w.length);
        Random rnd = new Random(7);
        try (Session s = Runtimes.open(f, RunOptions.defaults())) {
            for (int trial = 0; trial < 5; trial++) {
                float[] x = new float[27];
                for (int k = 0; k < 27; k++) x[k] = (float) rnd.nextGaussian();
                float[] got = s.run(NdArray.of(new int[] {3, 3, 3}, x))[0].data();
                // Baseline: Transpose(0,2,3,1) of [1,C,H,W], Flatten, FC (W [2,27], Y = X W^T + b),
                // each dot product summed exactly in double and rounded once, as the executor documents.
                float[] flat = new float[27];
                for (int c = 0; c < 3; c++) for (int h = 0; h < 3; h++) for (int ww = 0; ww < 3; ww++) flat[(h * 3 + ww) * 3 + c] = x[(c * 3 + h) * 3 + ww];
                float[] want = new float[2];
                for (int o = 0; o < 2; o++) {
                    double acc = 0;
                    for (int k = 0; k < 27; k++) acc += (double) flat[k] * w[o * 27 + k];
                    want[o] = (float) (acc + bias[o]);
                }
                assertArrayEquals(want, got, 0f);
            }
        }
    }
}
