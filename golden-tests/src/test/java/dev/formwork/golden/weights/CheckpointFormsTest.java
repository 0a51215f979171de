package dev.formwork.golden.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.config.ConfigParser;
import dev.formwork.frontends.config.Family;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.frontends.efficientformer.EfficientFormerV1Builder;
import dev.formwork.frontends.efficientformer.EfficientFormerV2Builder;
import dev.formwork.frontends.weights.CheckpointWeights;
import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.frontends.weights.torch.StorageType;
import dev.formwork.frontends.weights.torch.TorchSaveWriter;
import dev.formwork.golden.GoldenData;
import dev.formwork.ir.DType;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Half;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.testing.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every checkpoint container, naming, dtype and view form of the golden cases gives the logits of
 * the {@code weights.safetensors} run: float32 forms bit for bit, float16/bfloat16 forms within
 * the case's golden tolerance of the interpreter run on the same rounded weights. The tiny
 * cases use the real torch.save fixtures the frontends module commits; S0 (14 MB of weights, too
 * big to commit again) is written here in the same layouts by {@link TorchSaveWriter}.
 */
class CheckpointFormsTest {
    @TempDir
    static Path dir;

    private static final Map<String, LoadedModel> REFERENCE = new LinkedHashMap<>();
    private static final Map<String, float[]> REFERENCE_LOGITS = new LinkedHashMap<>();

    static Path fixture(String name) {
        return TestData.root().getParent().resolve("frontends/src/test/resources/torch").resolve(name);
    }

    static LoadedModel load(String kase, Path weights, String weightsKey) {
        return Models.load(TestData.golden(kase).resolve("config.json").toString(),
                new LoadOptions(GoldenData.input(kase).dim(0), null, weights, 0, weightsKey));
    }

    static float[] run(String kase, Graph g) {
        return new Interpreter(g).run(GoldenData.input(kase))[0].data();
    }

    /**
     * The safetensors run the forms must reproduce. Computed on a second run: the interpreter's
     * first run of a model, before the JIT has compiled its vector kernels, can differ in the
     * last bit (lane-reduction order), which would make a bit-for-bit comparison depend on order.
     */
    static synchronized float[] reference(String kase) {
        return REFERENCE_LOGITS.computeIfAbsent(kase, k -> {
            Graph g = referenceModel(k).graph();
            run(k, g);
            return run(k, g);
        });
    }

    static synchronized LoadedModel referenceModel(String kase) {
        return REFERENCE.computeIfAbsent(kase, k -> load(k, TestData.golden(k).resolve("weights.safetensors"), null));
    }

    /** The interpreter on the golden weights with every float tensor rounded as {@code round} does (the file's precision). */
    static float[] roundedReference(String kase, UnaryOperator<Float> round) {
        SafetensorsFile f = SafetensorsFile.open(TestData.golden(kase).resolve("weights.safetensors"));
        Map<String, Tensor> w = new LinkedHashMap<>();
        for (String k : f.keys()) {
            Tensor t = f.tensor(k);
            if (t.dtype() == DType.FLOAT32) {
                float[] v = t.toFloatArray();
                for (int i = 0; i < v.length; i++) v[i] = round.apply(v[i]);
                t = Tensor.ofFloats(t.shape(), v);
            }
            w.put(k, t);
        }
        ModelConfig c = ConfigParser.parse(TestData.golden(kase).resolve("config.json"));
        NdArray x = GoldenData.input(kase);
        CheckpointWeights src = CheckpointWeights.of(kase, w, c.family());
        Graph g = (c.family() == Family.V1 ? EfficientFormerV1Builder.build(kase, c, src, x.dim(0)) : EfficientFormerV2Builder.build(kase, c, src, x.dim(0))).graph();
        return new Interpreter(g).run(x)[0].data();
    }

    /** Round to nearest even at bfloat16's 8 mantissa bits, as torch's .bfloat16() does (finite values). */
    static float bf16(float f) {
        int b = Float.floatToRawIntBits(f);
        return Float.intBitsToFloat((b + 0x7fff + ((b >>> 16) & 1)) & 0xffff0000);
    }

    static double tolerance(String kase) throws IOException {
        return new ObjectMapper().readTree(TestData.golden(kase).resolve("meta.json").toFile()).get("suggested_tolerance_max_abs_diff_float32").asDouble();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
        // case, fixture, --weights-key ('' = detected), precision
        "tiny_v1_64, weights_original.safetensors, '', F32",
        "tiny_v1_64, tiny_v1_64_timm.bin, '', F32",
        "tiny_v1_64, tiny_v1_64_state_dict.pt, '', F32",
        "tiny_v1_64, tiny_v1_64_f16.bin, '', F16",
        "tiny_v2_64, weights_original.safetensors, '', F32",
        "tiny_v2_64, tiny_v2_64_original.pth, '', F32",
        "tiny_v2_64, tiny_v2_64_views_p4.pt, '', F32",
        "tiny_v2_64, tiny_v2_64_bf16_legacy.pth, '', BF16",
    })
    void tinyCasesFromRealTorchFiles(String kase, String file, String key, String precision) throws IOException {
        Path weights = file.endsWith(".safetensors") ? TestData.golden(kase).resolve(file) : fixture(file);
        check(kase, load(kase, weights, key.isEmpty() ? null : key), precision);
    }

    @ParameterizedTest(name = "s0_224 {0} {1} {2}")
    @CsvSource({
        "zip, '', F32", "zip, model, F32", "legacy, state_dict, F32", "zip, module, F32", "legacy, '', F16", "zip, model, BF16",
        "zip, model, F64",
    })
    void s0FromWrittenCheckpoints(String layout, String wrapper, String precision) throws IOException {
        SafetensorsFile f = SafetensorsFile.open(TestData.golden("s0_224").resolve("weights.safetensors"));
        Map<String, TorchSaveWriter.Stored> sd = new LinkedHashMap<>();
        for (String k : f.keys()) {
            Tensor t = f.tensor(k);
            String name = wrapper.equals("module") ? "module." + k : k;
            TorchSaveWriter.Stored st = TorchSaveWriter.Stored.of(t);
            if (t.dtype() == DType.FLOAT32 && precision.equals("F64")) st = widened(t);
            else if (t.dtype() == DType.FLOAT32 && !precision.equals("F32")) st = rounded(t, precision);
            sd.put(name, st);
        }
        Path p = dir.resolve("s0_" + layout + "_" + wrapper + "_" + precision + ".pth");
        String w = wrapper.isEmpty() || wrapper.equals("module") ? null : wrapper;
        if (layout.equals("zip")) TorchSaveWriter.writeZip(p, sd, w);
        else TorchSaveWriter.writeLegacy(p, sd, w);
        LoadedModel m = load("s0_224", p, null);
        // float64 holding float32 values narrows back exactly: the float32 checks apply, plus the warning.
        assertEquals(precision.equals("F64") ? 1 : 0, m.warnings().size(), String.valueOf(m.warnings()));
        check("s0_224", m, precision.equals("F64") ? "F32" : precision);
    }

    /** A float32 tensor stored as float64. */
    static TorchSaveWriter.Stored widened(Tensor t) {
        float[] v = t.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) b.putDouble(i * 8, v[i]);
        return new TorchSaveWriter.Stored(StorageType.DOUBLE, t.shape().toLongArray(), b);
    }

    /** A float32 tensor stored as float16 or bfloat16 bytes. */
    static TorchSaveWriter.Stored rounded(Tensor t, String precision) {
        float[] v = t.toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i++) {
            b.putShort(i * 2, precision.equals("F16") ? Half.fromFloat(v[i]) : (short) (Float.floatToRawIntBits(bf16(v[i])) >>> 16));
        }
        return new TorchSaveWriter.Stored(precision.equals("F16") ? StorageType.HALF : StorageType.BFLOAT16, t.shape().toLongArray(), b);
    }

    private static void check(String kase, LoadedModel m, String precision) throws IOException {
        if (precision.equals("F32")) {
            // The same weights, bit for bit, in the same graph ...
            Graph want = referenceModel(kase).graph();
            assertEquals(want.constants().size(), m.graph().constants().size());
            for (var c : want.constants()) {
                assertTrue(c.constant().contentEquals(m.graph().constant(c.name()).constant()), c.name());
            }
            // ... and so the same logits, bit for bit.
            float[] ref = reference(kase), got = run(kase, m.graph());
            for (int i = 0; i < ref.length; i++) {
                assertEquals(Float.floatToRawIntBits(ref[i]), Float.floatToRawIntBits(got[i]), "logit " + i + ": " + got[i] + " vs " + ref[i]);
            }
            return;
        }
        float[] got = run(kase, m.graph());
        float[] want = roundedReference(kase, precision.equals("F16") ? Half::round : CheckpointFormsTest::bf16);
        assertEquals(want.length, got.length);
        double err = 0;
        for (int i = 0; i < got.length; i++) err = Math.max(err, Math.abs((double) got[i] - want[i]));
        assertTrue(err <= tolerance(kase), precision + " logits differ by " + err + " from the interpreter on the rounded weights");
    }
}
