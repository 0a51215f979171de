package dev.formwork.frontends;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The golden cases end to end: config.json + weights -> graph -> reference interpreter, against
 * float64 reference logits and the stored intermediates (stem, each stage, pre_logits), which
 * say where a mismatch starts.
 */
class GoldenTest {
    static final double INTERMEDIATE_TOL = 5e-5;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "tiny_v1_64, weights.safetensors, 2e-5",
        "tiny_v1_64, weights_original.safetensors, 2e-5",
        "tiny_v2_64, weights.safetensors, 2e-5",
        "tiny_v2_64, weights_original.safetensors, 2e-5",
        "s0_224, weights.safetensors, 5e-5",
    })
    void matchesReference(String name, String weightsFile, double tol) {
        Path dir = TestData.golden(name);
        NdArray input = Npy.read(dir.resolve("input.npy"));
        NdArray expected = Npy.read(dir.resolve("expected.npy"));
        LoadOptions opts = LoadOptions.defaults().withBatch(input.shape()[0]).withWeights(dir.resolve(weightsFile));
        LoadedModel m = Models.load(dir.resolve("config.json").toString(), opts);
        assertFalse(m.randomWeights());
        assertEquals(SafetensorsFile.sha256(dir.resolve(weightsFile)), m.graph().metadata().get("weights_sha256"));
        assertEquals("config", m.graph().name());
        // Float32 weights are views of the mapped file, not heap copies.
        assertTrue(m.graph().constant("head.weight").constant().data().isDirect());

        Map<String, String> valueToTap = new HashMap<>();
        m.taps().forEach((tap, value) -> valueToTap.put(value, tap));
        Map<String, NdArray> seen = new LinkedHashMap<>();
        NdArray[] out = new Interpreter(m.graph()).run(new NdArray[] {input}, (v, data) -> {
            String tap = valueToTap.get(v.name());
            if (tap != null) seen.put(tap, NdArray.of(data.shape(), data.data().clone()));
        });

        SafetensorsFile inter = SafetensorsFile.open(dir.resolve("intermediates.safetensors"));
        StringBuilder report = new StringBuilder();
        double worstInter = 0;
        for (String tap : inter.keys()) {
            NdArray got = seen.get(tap);
            assertNotNull(got, "tap " + tap + " not observed");
            Tensor want = inter.tensor(tap);
            assertArrayEquals(want.shape().toArray(), got.shape(), tap);
            double d = maxAbs(want.toFloatArray(), got.data());
            worstInter = Math.max(worstInter, d);
            report.append(String.format(" %s=%.2e", tap, d));
        }
        double logitErr = maxAbs(expected.data(), out[0].data());
        System.out.printf("golden %s/%s: logits max-abs %.3e; intermediates%s%n", name, weightsFile, logitErr, report);
        assertArrayEquals(expected.shape(), out[0].shape());
        assertTrue(worstInter <= INTERMEDIATE_TOL, "intermediates:" + report);
        assertTrue(logitErr <= tol, "logits max-abs " + logitErr + " > " + tol + "; intermediates:" + report);
    }

    static double maxAbs(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs((double) a[i] - b[i]));
        return m;
    }
}
