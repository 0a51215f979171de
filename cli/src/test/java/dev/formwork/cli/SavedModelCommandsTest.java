package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.io.Npy;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** convert --target savedmodel, run and inspect on the folder, as a user types them. */
class SavedModelCommandsTest {
    @TempDir
    Path dir;

    private static final Path CASE = TestData.golden("tiny_v1_64");

    @Test
    void convertVerifyRunAndInspect() throws Exception {
        Path out = dir.resolve("dist"), report = dir.resolve("report.json");
        CliHarness.Outcome c = CliHarness.run("convert", CASE.resolve("config.json").toString(), "--weights", CASE.resolve("weights.safetensors").toString(),
                "--batch", "2", "--target", "savedmodel", "--out", out.toString(), "--verify", "--report", report.toString(), "--quiet");
        assertEquals(0, c.exit(), c.err() + c.out());
        assertTrue(c.out().lines().anyMatch(l -> l.startsWith("verify savedmodel") && l.contains("on tensorflow") && l.contains("PASS")), c.out());
        Path sm = out.resolve("config.savedmodel");
        assertTrue(Files.isRegularFile(sm.resolve("saved_model.pb")) && Files.isDirectory(sm.resolve("variables")));
        JsonNode art = Json.MAPPER.readTree(report.toFile()).get("artifacts").get(0);
        assertEquals("savedmodel", art.get("target").asText());
        assertTrue(art.get("ops").has("Conv2D"), art.toString());

        Path x = dir.resolve("x_nhwc.npy"), y = dir.resolve("y.npy");
        Files.write(x, Npy.encode(ShapeOps.permute(Npy.read(CASE.resolve("input.npy")), new int[] {0, 2, 3, 1})));
        CliHarness.Outcome r = CliHarness.run("run", sm.toString(), "--input", x.toString(), "--output", y.toString());
        assertEquals(0, r.exit(), r.err());
        Comparison cmp = Comparison.of(Npy.read(y), Npy.read(CASE.resolve("expected.npy")));
        assertTrue(cmp.maxAbs() <= 2e-5, "run: max abs " + cmp.maxAbs());

        CliHarness.Outcome i = CliHarness.run("inspect", sm.toString(), "--json");
        assertEquals(0, i.exit(), i.err());
        JsonNode info = Json.MAPPER.readTree(i.out());
        assertEquals("savedmodel", info.get("format").asText());
        assertEquals("input", info.get("inputs").get(0).get("name").asText());
        assertEquals("[2,64,64,3]", info.get("inputs").get(0).get("shape").toString());
        assertEquals("logits", info.get("outputs").get(0).get("name").asText());
        assertTrue(info.get("params").asLong() > 0);
        assertEquals(2, info.get("ops").get("Transpose").asInt(), "the attention block's head split and merge only: " + info.get("ops"));
    }

    @Test
    void aDamagedFolderIsOneLineNamingIt() throws Exception {
        Path sm = Files.createDirectories(dir.resolve("broken.savedmodel").resolve("variables")).getParent();
        Files.write(sm.resolve("saved_model.pb"), new byte[] {0x0a, (byte) 0xff, 0x01, 0x02});
        Path x = dir.resolve("x.npy");
        Files.write(x, Npy.encode(dev.formwork.ir.interp.NdArray.zeros(1, 64, 64, 3)));
        for (CliHarness.Outcome o : new CliHarness.Outcome[] {CliHarness.run("inspect", sm.toString()),
                CliHarness.run("run", sm.toString(), "--input", x.toString(), "--output", dir.resolve("y.npy").toString())}) {
            assertEquals(Main.BAD_INPUT, o.exit(), o.err());
            assertTrue(o.errorLine().contains("broken.savedmodel"), o.errorLine());
            assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        }
        assertFalse(Files.exists(dir.resolve("y.npy")));
    }

    @Test
    void badTfInputIsRefusedBeforeWriting() throws Exception {
        Path out = dir.resolve("bad");
        CliHarness.Outcome o = CliHarness.run("convert", CASE.resolve("config.json").toString(), "--target", "onnx,savedmodel",
                "--tf-input", "nwhc", "--out", out.toString(), "--quiet");
        assertEquals(Main.BAD_INPUT, o.exit(), o.err());
        assertTrue(o.errorLine().contains("--tf-input"), o.errorLine());
        assertFalse(Files.exists(out.resolve("config.savedmodel")) || Files.exists(out.resolve("config.onnx")), "nothing written");
    }
}
