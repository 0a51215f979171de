package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input exits 2 with one line that names what is wrong, and leaves no file behind. */
class BadInputTest {
    @TempDir
    Path dir;

    private static void assertBadInput(CliHarness.Outcome o, String mustMention) {
        assertEquals(Main.BAD_INPUT, o.exit(), o.err());
        String line = o.errorLine();
        assertTrue(line.contains(mustMention), "error line should name '" + mustMention + "': " + line);
        assertFalse(o.err().contains("\tat "), "no stack trace without --debug: " + o.err());
    }

    @Test
    void aUsageErrorIsOneLineAndTheLastOneWithTheHelpHint() {
        CliHarness.Outcome o = CliHarness.run("convert", tiny("config.json"), "--target", "onnx", "--out", dir.resolve("out").toString(), "--frobnicate");
        assertBadInput(o, "--frobnicate");
        String[] lines = o.err().strip().split("\\R");
        assertEquals(1, lines.length, o.err());
        assertTrue(lines[0].startsWith("formwork: ") && lines[0].contains("formwork convert --help"), lines[0]);
    }

    @Test
    void unknownModel() {
        assertBadInput(CliHarness.run("inspect", "efficientformer-l9"), "efficientformer-l9");
    }

    @Test
    void nonNpyInput() throws IOException {
        Path bad = dir.resolve("x.npy");
        Files.writeString(bad, "not an array");
        Path out = dir.resolve("y.npy");
        assertBadInput(CliHarness.run("run", tiny("config.json"), "--input", bad.toString(), "--output", out.toString()), "x.npy");
        assertFalse(Files.exists(out));
    }

    @Test
    void inputOfTheWrongShape() throws IOException {
        Path x = dir.resolve("x.npy");
        Files.write(x, Npy.encode(NdArray.zeros(1, 3, 32, 48)));
        assertBadInput(CliHarness.run("run", tiny("config.json"), "--input", x.toString(), "--output", dir.resolve("y.npy").toString()),
                "[1, 3, 32, 48]");
    }

    @Test
    void missingWeightKey() throws IOException {
        // A tiny V2 config against the V1 golden weights: every key is wrong.
        Path x = TestData.golden("tiny_v1_64").resolve("input.npy");
        Path w = TestData.golden("tiny_v1_64").resolve("weights.safetensors");
        CliHarness.Outcome o = CliHarness.run("run", TestData.golden("tiny_v2_64").resolve("config.json").toString(),
                "--weights", w.toString(), "--input", x.toString(), "--output", dir.resolve("y.npy").toString());
        assertBadInput(o, "weights.safetensors");
    }

    @Test
    void truncatedSafetensors() throws IOException {
        Path src = TestData.golden("tiny_v1_64").resolve("weights.safetensors");
        byte[] all = Files.readAllBytes(src);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        assertBadInput(CliHarness.run("inspect", tiny("config.json"), "--weights", cut.toString()), "cut.safetensors");
    }

    @Test
    void convertRefusesBeforeWriting() throws IOException {
        Path out = dir.resolve("dist");
        assertBadInput(CliHarness.run("convert", tiny("config.json"), "--target", "onnx,bogus", "--out", out.toString()), "bogus");
        assertBadInput(CliHarness.run("convert", tiny("config.json"), "--target", "onnx", "--opset", "12", "--out", out.toString()), "12");
        assertBadInput(CliHarness.run("convert", tiny("config.json"), "--target", "onnx", "--opset", "23", "--out", out.toString()), "23");
        assertTrue(!Files.exists(out) || isEmpty(out), "nothing written");
        Path file = dir.resolve("a-file");
        Files.writeString(file, "x");
        assertBadInput(CliHarness.run("convert", tiny("config.json"), "--target", "onnx", "--out", file.resolve("sub").toString()), "sub");
    }

    @Test
    void unknownOptionIsUsageError() {
        CliHarness.Outcome o = CliHarness.run("inspect", "efficientformer-l1", "--frobnicate");
        assertEquals(Main.BAD_INPUT, o.exit());
        assertTrue(o.err().contains("--frobnicate"), o.err());
    }

    private static boolean isEmpty(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.findAny().isEmpty();
        }
    }

    private static String tiny(String file) {
        return TestData.golden("tiny_v1_64").resolve(file).toString();
    }
}
