package dev.formwork.frontends.weights.torch;

import static dev.formwork.frontends.testing.Errors.fails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.frontends.weights.torch.Pickled.Dict;
import dev.formwork.frontends.weights.torch.Pickled.PyObject;
import dev.formwork.ir.DType;
import dev.formwork.ir.Tensor;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The reader on real torch.save files and on broken variants of them: data comes out, problems are one line. */
class TorchCheckpointTest {
    /** Where malicious.pth's payload (os.system("touch ...")) would leave its mark if it ever ran. */
    static final Path PAYLOAD_MARKER = Path.of("/tmp/formwork-torch-payload-ran");

    @TempDir
    Path dir;

    static String config(String kase) {
        return TestData.golden(kase).resolve("config.json").toString();
    }

    @Test
    void timmBinIsAFlatStateDict() {
        TorchCheckpoint c = TorchCheckpoint.read(TorchZips.fixture("tiny_v1_64_timm.bin"));
        assertNull(c.wrapper());
        assertEquals(3, c.formatVersion());
        // Same keys, shapes and bytes as the safetensors the fixture was made from.
        SafetensorsFile st = SafetensorsFile.open(TestData.golden("tiny_v1_64").resolve("weights.safetensors"));
        assertEquals(st.keys(), List.copyOf(c.tensors().keySet()));
        for (String k : st.keys()) assertTrue(st.tensor(k).contentEquals(c.tensors().get(k)), k);
        assertTrue(c.tensors().get("head.weight").data().isDirect());
    }

    @Test
    void originalTrainingCheckpointIsUnwrappedFromModel() {
        TorchCheckpoint c = TorchCheckpoint.read(TorchZips.fixture("tiny_v2_64_original.pth"));
        assertEquals("model", c.wrapper());
        assertEquals(List.of("model", "optimizer", "lr_scheduler", "epoch", "model_ema", "scaler", "max_accuracy", "args"), c.topLevelKeys());
        SafetensorsFile st = SafetensorsFile.open(TestData.golden("tiny_v2_64").resolve("weights_original.safetensors"));
        assertEquals(st.keys(), List.copyOf(c.tensors().keySet()));
        for (String k : st.keys()) assertTrue(st.tensor(k).contentEquals(c.tensors().get(k)), k);
    }

    @Test
    void stateDictWrapperWins() {
        TorchCheckpoint c = TorchCheckpoint.read(TorchZips.fixture("tiny_v1_64_state_dict.pt"));
        assertEquals("state_dict", c.wrapper());
        assertEquals(List.of("meta", "state_dict", "optimizer"), c.topLevelKeys());
        SafetensorsFile st = SafetensorsFile.open(TestData.golden("tiny_v1_64").resolve("weights_original.safetensors"));
        for (String k : st.keys()) assertTrue(st.tensor(k).contentEquals(c.tensors().get(k)), k);
    }

    /** The same tensors saved by torch in the zip and in the legacy layout. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"dtypes.pt", "dtypes_legacy.pt"})
    void elementTypesAndViews(String file) {
        TorchCheckpoint c = TorchCheckpoint.read(TorchZips.fixture(file));
        assertEquals(file.contains("legacy") ? "legacy" : "zip", c.format());
        Map<String, Tensor> t = c.tensors();
        float[] base = {1.5f, -2.25f, 3.0f, 0.5f, 4.0f, -1.0f};
        assertEquals(DType.FLOAT32, t.get("f32").dtype());
        assertArrayEquals(base, t.get("f32").toFloatArray());
        assertEquals("[2,3]", t.get("f32").shape().toString());
        assertEquals(DType.FLOAT16, t.get("f16").dtype()); // kept as a view; CheckpointWeights widens it
        assertTrue(t.get("f16").data().isDirect());
        assertArrayEquals(base, t.get("f16").toFloatArray());
        assertEquals(DType.FLOAT32, t.get("bf16").dtype()); // widened, as safetensors BF16 is
        assertArrayEquals(base, t.get("bf16").toFloatArray());
        assertEquals(DType.INT64, t.get("i64").dtype());
        assertArrayEquals(new long[] {1, -2, 3, 1L << 40}, t.get("i64").toLongArray());
        assertEquals(DType.INT32, t.get("i32").dtype());
        assertArrayEquals(new long[] {7, -8, 9}, t.get("i32").toLongArray());
        assertEquals("[]", t.get("scalar").shape().toString());
        assertArrayEquals(new float[] {2.5f}, t.get("scalar").toFloatArray());
        assertEquals("[0,3]", t.get("empty").shape().toString());
        // big = arange(12).reshape(3,4); transposed = big.t(), sliced = big[1:, ::2]
        assertEquals("[4,3]", t.get("transposed").shape().toString());
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}, t.get("transposed").toFloatArray());
        assertFalse(t.get("transposed").data().isDirect()); // gathered copy
        assertArrayEquals(new float[] {4, 6, 8, 10}, t.get("sliced").toFloatArray());
    }

    @Test
    void entryNamesThatLeaveTheArchiveAreRefused() {
        for (String bad : List.of("../evil/data.pkl", "/abs/data.pkl", "a/../../x", "\\\\server\\x")) {
            Map<String, byte[]> e = TorchZips.entries(TorchZips.fixture("float64.pt"));
            e.put(bad, new byte[1]);
            Path p = TorchZips.write(dir.resolve("names.pt"), e, false);
            fails(() -> TorchCheckpoint.read(p), p + ": zip entry name \"" + bad + "\" is refused");
        }
    }

    @Test
    void duplicateEntryNamesAreRefused() throws Exception {
        Map<String, byte[]> e = new java.util.LinkedHashMap<>(TorchZips.entries(TorchZips.fixture("float64.pt")));
        e.put("float64/data/X", new byte[16]);
        Path p = TorchZips.write(dir.resolve("dup.pt"), e, false);
        // Rename the extra entry to "float64/data/0" in its local and central headers: same length, so the zip stays well-formed.
        byte[] all = Files.readAllBytes(p);
        String s = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1).replace("float64/data/X", "float64/data/0");
        Files.write(p, s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        fails(() -> TorchCheckpoint.read(p), p + ": zip entry \"float64/data/0\" appears twice");
    }

    /** The same file with its end record rewritten the zip64 way (saturated fields, a zip64 record and locator before it). */
    @Test
    void zip64EndRecordsAreFollowed() throws Exception {
        byte[] all = Files.readAllBytes(TorchZips.fixture("float64.pt"));
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int eocd = all.length - 22;
        assertEquals(0x06054b50, b.getInt(eocd));
        long count = b.getShort(eocd + 10) & 0xffff, size = b.getInt(eocd + 12) & 0xffffffffL, offset = b.getInt(eocd + 16) & 0xffffffffL;
        java.nio.ByteBuffer z = java.nio.ByteBuffer.allocate(eocd + 56 + 20 + 22).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        z.put(all, 0, eocd);
        z.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0).putLong(count).putLong(count)
                .putLong(size).putLong(offset);
        z.putInt(0x07064b50).putInt(0).putLong(eocd).putInt(1);
        z.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort((short) 0xffff).putShort((short) 0xffff).putInt(-1).putInt(-1)
                .putShort((short) 0);
        Path p = dir.resolve("zip64.pt");
        Files.write(p, z.array());
        assertArrayEquals(new float[] {1, 1}, TorchCheckpoint.read(p).tensors().get("f64").toFloatArray());
    }

    @Test
    void locationTagsAreIgnored() throws Exception {
        Map<String, byte[]> e = TorchZips.entries(TorchZips.fixture("float64.pt"));
        String pkl = "float64/data.pkl";
        String s = new String(e.get(pkl), java.nio.charset.StandardCharsets.ISO_8859_1).replace("X\u0003\u0000\u0000\u0000cpu", "X\u0006\u0000\u0000\u0000cuda:0");
        assertTrue(s.contains("cuda:0"));
        e.put(pkl, s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path p = TorchZips.write(dir.resolve("cuda.pt"), e, false);
        assertArrayEquals(new float[] {1, 1}, TorchCheckpoint.read(p).tensors().get("f64").toFloatArray());
    }

    @Test
    void storageRecordLongerThanItsTensorsIsRefused() {
        Map<String, byte[]> e = TorchZips.entries(TorchZips.fixture("float64.pt"));
        e.put("float64/data/0", new byte[24]); // two float64 need 16
        Path p = TorchZips.write(dir.resolve("long.pt"), e, false);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "key \"f64\"", "holds 24 bytes", "(16 bytes)");
    }

    @Test
    void unsupportedElementTypeNamesTheKey() {
        Map<String, byte[]> e = TorchZips.entries(TorchZips.fixture("float64.pt"));
        String pkl = "float64/data.pkl";
        // GLOBAL operands are newline-terminated, so the storage type can be renamed in place: two int16 elements.
        e.put(pkl, new String(e.get(pkl), java.nio.charset.StandardCharsets.ISO_8859_1).replace("DoubleStorage", "ShortStorage")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        e.put("float64/data/0", new byte[4]);
        Path p = TorchZips.write(dir.resolve("short.pt"), e, false);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "key \"f64\"", "int16", "not supported");
    }

    @Test
    void nonTensorValueNamesTheKey() {
        Path f = TorchZips.fixture("non_tensor.pth");
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, f, 0)), f.toString(),
                "key \"step\" (in \"model\") holds a int, not a tensor");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "os.system, ''", "os.system, _legacy", "builtins.eval, ''", "builtins.eval, _legacy",
        "subprocess.Popen, ''", "subprocess.Popen, _legacy", "builtins.getattr, ''", "builtins.getattr, _legacy",
        "mymodule.run, ''", "mymodule.run, _legacy",
    })
    void maliciousPicklesAreRefusedWithoutRunning(String global, String layout) throws Exception {
        Files.deleteIfExists(PAYLOAD_MARKER);
        Path f = TorchZips.fixture("malicious_" + global.replace('.', '_') + layout + ".pth");
        String[] mn = global.split("\\.");
        String raw = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(raw.contains("c" + mn[0] + "\n" + mn[1] + "\n") && raw.contains(PAYLOAD_MARKER.toString()), "fixture lacks its payload");
        assertEquals(layout.isEmpty(), raw.startsWith("PK"));
        fails(() -> TorchCheckpoint.read(f), f + ": refusing pickle global " + global + " (");
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, f, 0)), f + ": refusing pickle global " + global);
        assertFalse(Files.exists(PAYLOAD_MARKER), "the payload ran");
    }

    @Test
    void trainingArgsKeepPathsAndScriptClassesAsInertObjects() {
        Path f = TorchZips.fixture("tiny_v2_64_original.pth");
        Dict top = (Dict) Unpickler.load(f.toString(), java.nio.ByteBuffer.wrap(TorchZips.entries(f).get("tiny_v2_64_original/data.pkl")));
        PyObject args = (PyObject) top.map().get("args");
        assertFalse(args.placeholder());
        Map<Object, Object> a = ((Dict) args.state()).map();
        PyObject out = (PyObject) a.get("output_dir");
        assertEquals("pathlib.PosixPath", out.type());
        assertEquals(List.of("runs", "efficientformer"), out.args().items());
        PyObject run = (PyObject) a.get("run");
        assertTrue(run.placeholder());
        assertEquals("__main__.RunInfo", run.type());
        assertEquals("node0", ((Dict) run.state()).map().get("host"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"custom_object_in_weights.pth", "custom_object_in_weights_legacy.pth"})
    void objectOfAScriptClassInTheWeightsIsRefusedNamingIt(String file) {
        Path f = TorchZips.fixture(file);
        String refused = f + ": refusing pickle global __main__.PackedWeight inside the weights: key \"packed\" (in \"model\") holds an object of it";
        fails(() -> TorchCheckpoint.read(f), refused);
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, f, 0)), refused);
    }

    /** {@code ('storage', FloatStorage, '0', 'cpu', 1)} viewed as a [1] tensor whose backward hooks are {@code hooks} (pushed by the caller). */
    private static UnpicklerTest.P tensor(UnpicklerTest.P x, Runnable hooks) {
        x.global("torch._utils", "_rebuild_tensor_v2").op('(', '(').str("storage").global("torch", "FloatStorage").str("0").str("cpu")
                .op('K', 1, 't', 'Q', 'K', 0, 'K', 1, 0x85, 'K', 1, 0x85, 0x89);
        hooks.run();
        return x.op('t', 'R');
    }

    private Path zip(String name, UnpicklerTest.P pickle) {
        Map<String, byte[]> e = new java.util.LinkedHashMap<>();
        e.put("x/data.pkl", pickle.op('.').b.toByteArray());
        e.put("x/data/0", new byte[4]);
        e.put("x/version", "3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return TorchZips.write(dir.resolve(name), e, false);
    }

    @Test
    void placeholdersLoadOutsideTheWeightsAndAreRefusedInside() {
        // {'model': {'w': tensor}, 'optimizer': {'state': [Hook()]}, 'net': Hook()}: the hook objects sit outside the weights.
        UnpicklerTest.P ok = UnpicklerTest.p().op('}', '(').str("model").op('}').str("w");
        tensor(ok, () -> ok.op('}')).op('s').str("optimizer").op('}').str("state").op(']').global("mymodule", "Hook").op(')', 0x81, 'a', 's')
                .str("net").global("mymodule", "Hook").op(')', 0x81, 'u');
        Path f = zip("outside.pth", ok);
        TorchCheckpoint c = TorchCheckpoint.read(f);
        assertEquals(List.of("w"), List.copyOf(c.tensors().keySet()));
        assertEquals(List.of("model", "optimizer", "net"), c.topLevelKeys());
        fails(() -> TorchCheckpoint.read(f, "net"), f + ": refusing pickle global mymodule.Hook: entry \"net\" (--weights-key) is an object of it, not a state dict");

        // The same object hidden in a weight tensor's backward hooks.
        UnpicklerTest.P hooked = UnpicklerTest.p().op('}').str("model").op('}').str("w");
        tensor(hooked, () -> hooked.op('}').str("h").global("mymodule", "Hook").op(')', 0x81, 's')).op('s', 's');
        Path h = zip("hooked.pth", hooked);
        fails(() -> TorchCheckpoint.read(h), h + ": refusing pickle global mymodule.Hook inside the weights: key \"w\" (in \"model\") is built from an object of it");

        // A whole pickled model, alone or as "model".
        Path whole = zip("whole.pth", UnpicklerTest.p().global("timm.models.efficientformer", "EfficientFormer").op(')', 0x81, '}', 'b'));
        fails(() -> TorchCheckpoint.read(whole), whole + ": refusing pickle global timm.models.efficientformer.EfficientFormer: the file is a pickled object of it");
        Path inModel = zip("in_model.pth", UnpicklerTest.p().op('}').str("model").global("timm.models.efficientformer", "EfficientFormer").op(')', 0x81, 's'));
        fails(() -> TorchCheckpoint.read(inModel), inModel + ": refusing pickle global timm.models.efficientformer.EfficientFormer: entry \"model\" is an object of it");
        // A flat state dict with the object in its _metadata attribute.
        UnpicklerTest.P meta = UnpicklerTest.p().global("collections", "OrderedDict").op(')', 'R').str("w");
        tensor(meta, () -> meta.op('}')).op('s', '}').str("_metadata").global("mymodule", "Hook").op(')', 0x81, 's', 'b');
        Path m = zip("meta.pth", meta);
        fails(() -> TorchCheckpoint.read(m), m + ": refusing pickle global mymodule.Hook inside the weights: the state dict's attribute \"_metadata\" is built from");
    }

    @Test
    void protocol4OneStorageChannelsLastAndDataParallelPrefix() {
        TorchCheckpoint c = TorchCheckpoint.read(TorchZips.fixture("tiny_v2_64_views_p4.pt"));
        assertTrue(c.strippedModulePrefix());
        SafetensorsFile st = SafetensorsFile.open(TestData.golden("tiny_v2_64").resolve("weights.safetensors"));
        assertEquals(st.keys(), List.copyOf(c.tensors().keySet()));
        for (String k : st.keys()) assertTrue(st.tensor(k).contentEquals(c.tensors().get(k)), k);
        // channels_last 4-D weights and transposed 2-D ones are gathered; 1-D ones are slices of the one storage.
        assertFalse(c.tensors().get("stem.conv1.conv.weight").data().isDirect());
        assertFalse(c.tensors().get("head.weight").data().isDirect());
        assertTrue(c.tensors().get("head.bias").data().isDirect());
    }

    @Test
    void bf16LegacyTrainingDictTakesModelNotEma() {
        Path f = TorchZips.fixture("tiny_v2_64_bf16_legacy.pth");
        TorchCheckpoint c = TorchCheckpoint.read(f);
        assertEquals("model", c.wrapper());
        assertEquals(List.of("model", "optimizer", "lr_scheduler", "epoch", "model_ema", "scaler", "max_accuracy", "args"), c.topLevelKeys());
        assertEquals(DType.FLOAT32, c.tensors().get("head.weight").dtype()); // bfloat16 widened
        TorchCheckpoint ema = TorchCheckpoint.read(f, "model_ema");
        assertEquals("model_ema", ema.wrapper());
        assertEquals(List.of("ema_probe"), List.copyOf(ema.tensors().keySet()));
        fails(() -> TorchCheckpoint.read(f, "ema"), f + ": no entry \"ema\" (--weights-key); entries: model (collections.OrderedDict), optimizer (dict)",
                "epoch (int)", "args (argparse.Namespace)");
        fails(() -> TorchCheckpoint.read(f, "epoch"), f + ": entry \"epoch\" (--weights-key) holds a int, not a state dict");
    }

    @Test
    void float64IsNarrowedWithAWarning() {
        TorchCheckpoint c = TorchCheckpoint.read(TorchZips.fixture("float64.pt"));
        assertEquals(DType.FLOAT32, c.tensors().get("f64").dtype());
        assertArrayEquals(new float[] {1, 1}, c.tensors().get("f64").toFloatArray());
        assertEquals(1, c.warnings().size());
        assertTrue(c.warnings().get(0).endsWith("float64.pt: 1 float64 tensor narrowed to float32 (first: f64)"), c.warnings().get(0));
    }

    @Test
    void noEntryHoldingWeightsListsTheEntries() throws Exception {
        Map<String, byte[]> e = TorchZips.entries(TorchZips.fixture("non_tensor.pth"));
        String pkl = "non_tensor/data.pkl";
        String s = new String(e.get(pkl), java.nio.charset.StandardCharsets.ISO_8859_1).replace("model", "net__");
        e.put(pkl, s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path p = TorchZips.write(dir.resolve("nowrap.pth"), e, false);
        fails(() -> TorchCheckpoint.read(p), p + ": no entry holds a state dict of tensors; entries: net__ (collections.OrderedDict); name the one",
                "--weights-key");
        // Named explicitly, the entry is read as a state dict (and its int is then the problem).
        fails(() -> TorchCheckpoint.read(p, "net__"), p + ": key \"step\" (in \"net__\") holds a int, not a tensor");
    }

    @Test
    void truncatedZip() throws Exception {
        byte[] all = Files.readAllBytes(TorchZips.fixture("tiny_v1_64_timm.bin"));
        Path p = dir.resolve("cut.bin");
        Files.write(p, Arrays.copyOf(all, all.length / 2));
        fails(() -> TorchCheckpoint.read(p), p.toString(), "end-of-central-directory", "truncated");
        Files.write(p, Arrays.copyOf(all, all.length - 10));
        fails(() -> TorchCheckpoint.read(p), p.toString(), "truncated");
        Files.write(p, new byte[0]);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "not a PyTorch checkpoint");
    }

    @Test
    void brokenLegacyFiles() throws Exception {
        byte[] all = Files.readAllBytes(TorchZips.fixture("dtypes_legacy.pt"));
        Path p = dir.resolve("old.pth");
        Files.write(p, Arrays.copyOf(all, all.length - 10));
        fails(() -> TorchCheckpoint.read(p), p.toString(), "runs past the end of the file (truncated?)");
        Files.write(p, Arrays.copyOf(all, all.length + 3));
        fails(() -> TorchCheckpoint.read(p), p + ": 3 bytes after the last storage");
        Files.write(p, Arrays.copyOf(all, 30));
        fails(() -> TorchCheckpoint.read(p), p.toString(), "legacy pickle byte");
        // The magic number's first byte changed: a pickle, but not torch's.
        byte[] bad = all.clone();
        bad[4] ^= 1;
        Files.write(p, bad);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "not torch's magic number");
    }

    @Test
    void missingDataPkl() {
        Map<String, byte[]> e = TorchZips.entries(TorchZips.fixture("tiny_v1_64_timm.bin"));
        e.remove("tiny_v1_64_timm/data.pkl");
        Path p = TorchZips.write(dir.resolve("nopkl.bin"), e, false);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "no <archive>/data.pkl in the zip");
    }

    @Test
    void missingStorageEntryNamesTheKey() {
        Map<String, byte[]> e = TorchZips.entries(TorchZips.fixture("tiny_v1_64_timm.bin"));
        e.remove("tiny_v1_64_timm/data/0"); // the first tensor in the pickle
        Path p = TorchZips.write(dir.resolve("nostorage.bin"), e, false);
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, p, 0)), p.toString(),
                "key \"stem.norm1.num_batches_tracked\": storage entry tiny_v1_64_timm/data/0 is missing from the zip");
    }

    @Test
    void shortStorageEntryNamesTheKey() {
        Map<String, byte[]> e = TorchZips.entries(TorchZips.fixture("tiny_v1_64_timm.bin"));
        e.put("tiny_v1_64_timm/data/0", new byte[4]); // an int64 scalar needs 8
        Path p = TorchZips.write(dir.resolve("short.bin"), e, false);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "key \"stem.norm1.num_batches_tracked\"", "holds 4 bytes", "(8 bytes)");
    }

    @Test
    void bigEndianByteOrderIsRefused() {
        Map<String, byte[]> e = TorchZips.rePrefix(TorchZips.entries(TorchZips.fixture("tiny_v1_64_timm.bin")), "archive");
        e.put("archive/byteorder", "big".getBytes());
        Path p = TorchZips.write(dir.resolve("big.pth"), e, false);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "big-endian", "byteorder \"big\"");
        e.put("archive/byteorder", "middle".getBytes());
        Path q = TorchZips.write(dir.resolve("odd.pth"), e, false);
        fails(() -> TorchCheckpoint.read(q), q.toString(), "unknown byteorder \"middle\"");
    }

    @Test
    void corruptStorageBytesFailTheCrc() throws Exception {
        Path src = TorchZips.fixture("tiny_v1_64_timm.bin");
        byte[] all = Files.readAllBytes(src);
        // Flip one byte inside the last storage record's data (64-byte aligned, far from the directory).
        ZipArchive.Entry last;
        long off;
        try (ZipArchive z = ZipArchive.open(src)) {
            last = z.entry("tiny_v1_64_timm/data/99");
            off = z.dataOffset(last);
        }
        assertEquals(0, off % 64, "torch aligns storage data to 64 bytes");
        all[(int) off + 1] ^= 0x40;
        Path p = dir.resolve("flip.bin");
        Files.write(p, all);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "zip entry \"tiny_v1_64_timm/data/99\": CRC mismatch");
    }

    @Test
    void notATorchZip() {
        Path p = TorchZips.write(dir.resolve("other.pt"), Map.of("readme.txt", "hello".getBytes()), false);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "no <archive>/data.pkl");
        Path s = TorchZips.write(dir.resolve("script.pt"), Map.of("m/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}, "m/code/m.py", new byte[1]), false);
        fails(() -> TorchCheckpoint.read(s), s.toString(), "TorchScript archive");
    }

    @Test
    void topLevelNotADict() {
        Map<String, byte[]> e = new java.util.LinkedHashMap<>();
        e.put("archive/data.pkl", new byte[] {(byte) 0x80, 2, ']', '.'}); // an empty list
        Path p = TorchZips.write(dir.resolve("list.pt"), e, false);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "the checkpoint holds a list, expected a dict of tensors");
    }

    @Test
    void wrongExtensionAndMissingFileStillNamed() throws Exception {
        Path p = dir.resolve("w.pth");
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, p, 0)), p + ": weights file not found");
        Files.write(p, "not a zip at all".getBytes());
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, p, 0)), p.toString(), "not a PyTorch checkpoint");
    }

    @Test
    void wrongModelForTheCheckpointListsKeys() {
        Path f = TorchZips.fixture("tiny_v2_64_original.pth");
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, f, 0)), f + " (original naming):", "missing keys");
    }
}
