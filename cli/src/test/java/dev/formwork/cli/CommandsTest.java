package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands' contracts: inspect --json fields, run on the reference interpreter, golden check exit codes. */
class CommandsTest {
    @TempDir
    Path dir;

    @Test
    void inspectJsonHasTheContractFields() throws Exception {
        CliHarness.Outcome o = CliHarness.run("inspect", "efficientformerv2-s0", "--json");
        assertEquals(0, o.exit(), o.err());
        JsonNode j = Json.MAPPER.readTree(o.out());
        assertEquals(3_600_256, j.get("params").asLong());
        assertTrue(Math.abs(j.get("macs").asDouble() - 0.396e9) / 0.396e9 < 0.015);
        assertTrue(j.get("ops").has("Conv"));
        assertEquals("input", j.get("inputs").get(0).get("name").asText());
        assertEquals("[1,3,224,224]", j.get("inputs").get(0).get("shape").toString());
        assertEquals("float32", j.get("outputs").get(0).get("dtype").asText());
        assertEquals("logits", j.get("outputs").get(0).get("name").asText());
    }

    @Test
    void runReproducesTheGoldenLogits() {
        Path c = TestData.golden("tiny_v2_64");
        Path y = dir.resolve("y.npy");
        CliHarness.Outcome o = CliHarness.run("run", c.resolve("config.json").toString(), "--weights",
                c.resolve("weights.safetensors").toString(), "--input", c.resolve("input.npy").toString(), "--output", y.toString());
        assertEquals(0, o.exit(), o.err());
        NdArray got = Npy.read(y), want = Npy.read(c.resolve("expected.npy"));
        assertTrue(Comparison.of(got, want).maxAbs() <= 2e-5);
    }

    @Test
    void goldenCheckPassesAndFails() throws Exception {
        Path c = TestData.golden("tiny_v1_64");
        String[] base = {"golden", "check", c.resolve("config.json").toString(), "--weights", c.resolve("weights.safetensors").toString(),
            "--input", c.resolve("input.npy").toString()};
        CliHarness.Outcome ok = CliHarness.run(concat(base, "--expected", c.resolve("expected.npy").toString()));
        assertEquals(0, ok.exit(), ok.err() + ok.out());
        assertTrue(ok.out().contains("PASS"));
        NdArray wrong = Npy.read(c.resolve("expected.npy")).copy();
        wrong.data()[3] += 0.01f;
        Path bad = dir.resolve("bad.npy");
        java.nio.file.Files.write(bad, Npy.encode(wrong));
        CliHarness.Outcome fail = CliHarness.run(concat(base, "--expected", bad.toString()));
        assertEquals(Main.MISMATCH, fail.exit(), fail.out());
        assertTrue(fail.out().contains("[0, 3]"), fail.out());
    }

    @Test
    void passesListsTheDefaultPipeline() {
        CliHarness.Outcome o = CliHarness.run("passes");
        assertEquals(0, o.exit());
        assertTrue(o.out().contains("fold-conv-bn"));
        assertTrue(o.out().contains("Default pipeline"));
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] cmd : new String[][] {{"--help"}, {"convert", "--help"}, {"run", "--help"}, {"inspect", "--help"},
            {"golden", "check", "--help"}, {"passes", "--help"}}) {
            CliHarness.Outcome o = CliHarness.run(cmd);
            assertEquals(0, o.exit(), String.join(" ", cmd));
            assertTrue(o.out().contains("Usage:"), o.out());
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
