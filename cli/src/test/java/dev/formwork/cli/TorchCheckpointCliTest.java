package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.formwork.frontends.weights.torch.StorageType;
import dev.formwork.frontends.weights.torch.TorchSaveWriter;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PyTorch checkpoints through the commands: inspect, run with --weights-key, and refused payloads (exit 2, one line). */
class TorchCheckpointCliTest {
    /** Where the payload fixtures' command (touch) would leave its mark if it ever ran. */
    static final Path PAYLOAD_MARKER = Path.of("/tmp/formwork-torch-payload-ran");

    @TempDir
    Path dir;

    /** The real torch.save fixtures the frontends module commits (made by its fixture script). */
    static Path fixture(String name) {
        return TestData.root().getParent().resolve("frontends/src/test/resources/torch").resolve(name);
    }

    static String config(String kase) {
        return TestData.golden(kase).resolve("config.json").toString();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "os.system, ''", "os.system, _legacy", "builtins.eval, ''", "builtins.eval, _legacy",
        "subprocess.Popen, ''", "subprocess.Popen, _legacy", "builtins.getattr, ''", "builtins.getattr, _legacy",
        "mymodule.run, ''", "mymodule.run, _legacy",
    })
    void payloadsExitTwoNamingTheGlobalAndNothingRuns(String global, String layout) throws Exception {
        Files.deleteIfExists(PAYLOAD_MARKER);
        Path f = fixture("malicious_" + global.replace('.', '_') + layout + ".pth");
        Path out = dir.resolve("dist");
        for (String[] cmd : List.of(new String[] {"inspect", f.toString()},
                new String[] {"convert", config("tiny_v1_64"), "--weights", f.toString(), "--target", "onnx", "--out", out.toString()})) {
            CliHarness.Outcome o = CliHarness.run(cmd);
            assertEquals(Main.BAD_INPUT, o.exit(), o.err());
            assertEquals("formwork: error: " + f + ": refusing pickle global " + global
                    + " (checkpoints are read as data, code is never run; save a state_dict of tensors)", o.errorLine());
            assertFalse(o.err().contains("\tat "), o.err());
        }
        try (var files = Files.list(out)) {
            assertEquals(0, files.count(), "nothing written"); // the output folder is made up front, before the model loads
        } catch (java.nio.file.NoSuchFileException none) {
            // not even the folder
        }
        assertFalse(Files.exists(PAYLOAD_MARKER), "the payload ran");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"custom_object_in_weights.pth", "custom_object_in_weights_legacy.pth"})
    void objectOfAScriptClassInTheWeightsExitsTwoNamingIt(String file) throws Exception {
        Path f = fixture(file);
        Path out = dir.resolve("dist");
        for (String[] cmd : List.of(new String[] {"inspect", f.toString()},
                new String[] {"convert", config("tiny_v1_64"), "--weights", f.toString(), "--target", "onnx", "--out", out.toString()})) {
            CliHarness.Outcome o = CliHarness.run(cmd);
            assertEquals(Main.BAD_INPUT, o.exit(), o.err());
            assertEquals("formwork: error: " + f + ": refusing pickle global __main__.PackedWeight inside the weights: key \"packed\" (in \"model\")"
                    + " holds an object of it; only tensors are read there", o.errorLine());
            assertFalse(o.err().contains("\tat "), o.err());
        }
        try (var files = Files.list(out)) {
            assertEquals(0, files.count(), "nothing written");
        } catch (java.nio.file.NoSuchFileException none) {
            // not even the folder
        }
    }

    @Test
    void trainingDictWithScriptObjectsInArgsRunsAndConverts() throws Exception {
        // args holds a pathlib.PosixPath and a __main__.RunInfo object: inert outside the weights.
        Path c = TestData.golden("tiny_v2_64");
        Path f = fixture("tiny_v2_64_original.pth");
        Path fromPth = dir.resolve("pth.npy");
        Path fromSafetensors = dir.resolve("st.npy");
        for (Path[] wy : new Path[][] {{f, fromPth}, {c.resolve("weights_original.safetensors"), fromSafetensors}}) {
            CliHarness.Outcome o = CliHarness.run("run", config("tiny_v2_64"), "--weights", wy[0].toString(), "--input", c.resolve("input.npy").toString(),
                    "--output", wy[1].toString());
            assertEquals(0, o.exit(), o.err());
        }
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(fromSafetensors), Files.readAllBytes(fromPth)), "float32 weights give the safetensors logits bit for bit");
        Path out = dir.resolve("dist");
        CliHarness.Outcome conv = CliHarness.run("convert", config("tiny_v2_64"), "--weights", f.toString(), "--target", "onnx", "--out", out.toString(),
                "--verify", "--quiet");
        assertEquals(0, conv.exit(), conv.err());
        try (var files = Files.list(out)) {
            assertEquals(1, files.filter(p -> p.toString().endsWith(".onnx")).count());
        }
    }

    @Test
    void inspectJsonDescribesAContainerAndItsFit() throws Exception {
        Path f = fixture("tiny_v2_64_bf16_legacy.pth");
        CliHarness.Outcome o = CliHarness.run("inspect", f.toString(), "--json", "--model", config("tiny_v2_64"));
        assertEquals(0, o.exit(), o.err());
        JsonNode j = Json.MAPPER.readTree(o.out());
        assertEquals("pytorch", j.get("format").asText());
        assertEquals("legacy", j.get("container").asText());
        assertEquals("model", j.get("entry").asText());
        assertEquals("model_ema", j.get("top_level_keys").get(4).asText());
        assertEquals("original", j.get("naming").asText());
        assertEquals(306, j.get("tensor_count").asInt());
        assertEquals(263, j.get("dtypes").get("bfloat16").asInt());
        assertEquals(43, j.get("dtypes").get("int64").asInt());
        long bytes = 0;
        for (JsonNode t : j.get("tensors")) {
            long n = 1;
            for (JsonNode d : t.get("shape")) n *= d.asLong();
            bytes += n * (t.get("dtype").asText().equals("bfloat16") ? 2 : 8);
        }
        assertEquals(bytes, j.get("bytes").asLong()); // the file's bytes, not the widened float32's
        assertEquals("[\"config\"]", j.get("matches").toString());

        // Against the zoo: no variant fits a 10-class tiny model; the closest one's first problems are named.
        CliHarness.Outcome z = CliHarness.run("inspect", fixture("tiny_v1_64_timm.bin").toString(), "--json");
        assertEquals(0, z.exit(), z.err());
        JsonNode k = Json.MAPPER.readTree(z.out());
        assertEquals("zip", k.get("container").asText());
        assertEquals("tiny_v1_64_timm", k.get("root").asText());
        assertEquals("timm", k.get("naming").asText());
        assertEquals(0, k.get("matches").size());
        assertTrue(k.get("closest").get("message").asText().contains("missing key"), k.toString());
    }

    @Test
    void weightsKeyPicksTheEmaEntry() {
        Path c = TestData.golden("tiny_v2_64");
        Path f = fixture("tiny_v2_64_bf16_legacy.pth");
        Path y = dir.resolve("y.npy");
        List<String> base = List.of("run", config("tiny_v2_64"), "--weights", f.toString(), "--input", c.resolve("input.npy").toString(),
                "--output", y.toString());
        CliHarness.Outcome model = CliHarness.run(concat(base));
        assertEquals(0, model.exit(), model.err());
        // The bfloat16 copy of the golden weights: close to the golden logits.
        assertTrue(Comparison.of(Npy.read(y), Npy.read(c.resolve("expected.npy"))).maxAbs() < 0.05);
        // The fixture's model_ema is a one-tensor probe: chosen, it is what the loader complains about.
        CliHarness.Outcome ema = CliHarness.run(concat(base, "--weights-key", "model_ema"));
        assertEquals(Main.BAD_INPUT, ema.exit());
        assertTrue(ema.errorLine().contains("1 unexpected key (ema_probe [2])"), ema.errorLine());
        CliHarness.Outcome bad = CliHarness.run(concat(base, "--weights-key", "ema"));
        assertEquals(Main.BAD_INPUT, bad.exit());
        assertTrue(bad.errorLine().contains("no entry \"ema\" (--weights-key); entries: model (collections.OrderedDict)"), bad.errorLine());
    }

    @Test
    void float64WeightsWarnOnce() throws Exception {
        Path c = TestData.golden("tiny_v1_64");
        var st = dev.formwork.frontends.weights.SafetensorsFile.open(c.resolve("weights.safetensors"));
        java.util.Map<String, TorchSaveWriter.Stored> sd = new java.util.LinkedHashMap<>();
        for (String k : st.keys()) {
            dev.formwork.ir.Tensor t = st.tensor(k);
            if (t.dtype() != dev.formwork.ir.DType.FLOAT32) {
                sd.put(k, TorchSaveWriter.Stored.of(t));
                continue;
            }
            float[] v = t.toFloatArray();
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < v.length; i++) b.putDouble(i * 8, v[i]);
            sd.put(k, new TorchSaveWriter.Stored(StorageType.DOUBLE, t.shape().toLongArray(), b));
        }
        Path f = dir.resolve("f64.pth");
        TorchSaveWriter.writeZip(f, sd, null);
        Path y = dir.resolve("y.npy");
        CliHarness.Outcome o = CliHarness.run("run", config("tiny_v1_64"), "--weights", f.toString(), "--input", c.resolve("input.npy").toString(),
                "--output", y.toString());
        assertEquals(0, o.exit(), o.err());
        assertTrue(o.err().contains("formwork: warning: " + f + ": 121 float64 tensors narrowed to float32 (first: stem.conv1.weight)"), o.err());
        assertTrue(Comparison.of(Npy.read(y), Npy.read(c.resolve("expected.npy"))).maxAbs() <= 2e-5);
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
