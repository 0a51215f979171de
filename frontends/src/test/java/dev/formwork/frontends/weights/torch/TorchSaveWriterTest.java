package dev.formwork.frontends.weights.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.weights.SafetensorsFile;
import dev.formwork.ir.Tensor;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer's files read back through the reader, tensor for tensor, in both layouts; reruns are byte-identical. */
class TorchSaveWriterTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsInBothLayouts() throws Exception {
        SafetensorsFile st = SafetensorsFile.open(TestData.golden("tiny_v2_64").resolve("weights.safetensors"));
        Map<String, Tensor> sd = new LinkedHashMap<>();
        for (String k : st.keys()) sd.put(k, st.tensor(k));
        Path zip = dir.resolve("w.pth"), legacy = dir.resolve("w_legacy.pth");
        TorchSaveWriter.writeZip(zip, TorchSaveWriter.stored(sd), "model");
        TorchSaveWriter.writeLegacy(legacy, TorchSaveWriter.stored(sd), null);
        for (Path p : List.of(zip, legacy)) {
            TorchCheckpoint c = TorchCheckpoint.read(p);
            assertEquals(p == zip ? "model" : null, c.wrapper());
            assertEquals(p == zip ? "zip" : "legacy", c.format());
            assertEquals(List.copyOf(sd.keySet()), List.copyOf(c.tensors().keySet()));
            for (String k : sd.keySet()) assertTrue(sd.get(k).contentEquals(c.tensors().get(k)), k);
        }
        try (ZipArchive z = ZipArchive.open(zip)) {
            for (ZipArchive.Entry e : z.entries().values()) assertEquals(0, z.dataOffset(e) % 64, e.name());
        }
        Path again = dir.resolve("again.pth");
        TorchSaveWriter.writeZip(again, TorchSaveWriter.stored(sd), "model");
        assertArrayEquals(Files.readAllBytes(zip), Files.readAllBytes(again));
    }
}
