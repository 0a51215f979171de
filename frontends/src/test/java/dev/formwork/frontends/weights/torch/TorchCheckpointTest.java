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

    @Test
    void elementTypesAndViews() {
        Map<String, Tensor> t = TorchCheckpoint.read(TorchZips.fixture("dtypes.pt")).tensors();
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
    void unsupportedElementTypeNamesTheKey() {
        Path f = TorchZips.fixture("float64.pt");
        fails(() -> TorchCheckpoint.read(f), f.toString(), "key \"f64\"", "float64", "not supported");
    }

    @Test
    void nonTensorValueNamesTheKey() {
        Path f = TorchZips.fixture("non_tensor.pth");
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, f, 0)), f.toString(),
                "key \"step\" (in \"model\") holds a int, not a tensor");
    }

    @Test
    void topLevelDictWithoutWeightsSaysWhatItHas() throws Exception {
        Map<String, byte[]> e = TorchZips.entries(TorchZips.fixture("non_tensor.pth"));
        // Rename the "model" key so nothing is unwrapped: the error lists the top-level keys.
        String pkl = "non_tensor/data.pkl";
        byte[] b = e.get(pkl);
        String s = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).replace("model", "modex");
        e.put(pkl, s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Path p = TorchZips.write(dir.resolve("nowrap.pth"), e, false);
        fails(() -> TorchCheckpoint.read(p), p.toString(), "key \"modex\" holds a collections.OrderedDict, not a tensor", "top-level keys: modex",
                "no \"state_dict\" or \"model\"");
    }

    @Test
    void maliciousPickleIsRefusedWithoutRunningIt() throws Exception {
        Files.deleteIfExists(PAYLOAD_MARKER);
        Path f = TorchZips.fixture("malicious.pth");
        // The fixture really holds the payload (so the refusal is meaningful) ...
        String pkl = new String(TorchZips.entries(f).get("malicious/data.pkl"), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(pkl.contains("cos\nsystem\n") && pkl.contains("touch " + PAYLOAD_MARKER));
        // ... and is refused as a whole, by the reader and by Models.load.
        fails(() -> TorchCheckpoint.read(f), f + ": refusing pickle global os.system");
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, f, 0)), f + ": refusing pickle global os.system");
        assertFalse(Files.exists(PAYLOAD_MARKER), "the payload ran");
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
        fails(() -> TorchCheckpoint.read(p), p.toString(), "not a zip-format PyTorch checkpoint");
    }

    @Test
    void legacyFormatIsNamed() throws Exception {
        Path p = dir.resolve("old.pth");
        Files.write(p, new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19});
        fails(() -> TorchCheckpoint.read(p), p.toString(), "legacy (pre-1.6, non-zip) torch.save format");
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
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, p, 0)), p.toString(), "not a zip-format PyTorch checkpoint");
    }

    @Test
    void wrongModelForTheCheckpointListsKeys() {
        Path f = TorchZips.fixture("tiny_v2_64_original.pth");
        fails(() -> Models.load(config("tiny_v1_64"), new LoadOptions(1, null, f, 0)), f + " (original naming):", "missing keys");
    }
}
