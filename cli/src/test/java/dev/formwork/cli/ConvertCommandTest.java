package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.formwork.exporters.Digests;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** convert end to end: every target written, verified on its runtime, reported, reproducible. */
class ConvertCommandTest {
    @TempDir
    Path dir;

    private static final Path CASE = TestData.golden("tiny_v2_64");

    private CliHarness.Outcome convert(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("convert", CASE.resolve("config.json").toString(), "--weights",
                CASE.resolve("weights.safetensors").toString(), "--batch", "2", "--target", "all,coreml-nn",
                "--out", out.toString(), "--quiet"));
        args.addAll(List.of(extra));
        return CliHarness.run(args.toArray(String[]::new));
    }

    @Test
    void verifiesReportsAndReproduces() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b"), report = dir.resolve("report.json");
        CliHarness.Outcome first = convert(a, "--verify", "--report", report.toString());
        assertEquals(0, first.exit(), first.err() + first.out());
        assertEquals(4, first.out().lines().filter(l -> l.startsWith("verify ") && l.contains("PASS")).count(), first.out());

        JsonNode r = Json.MAPPER.readTree(report.toFile());
        assertEquals("config", r.get("model").asText());
        assertEquals(4, r.get("artifacts").size());
        for (JsonNode art : r.get("artifacts")) {
            Path p = Path.of(art.get("path").asText());
            assertEquals(Digests.sha256(p), art.get("sha256").asText(), p.toString());
            assertEquals(Digests.size(p), art.get("bytes").asLong());
            assertTrue(art.get("verification").get("passed").asBoolean(), art.toString());
            assertTrue(art.get("passes").get("passes").size() > 0, "passes recorded");
            assertFalse(art.get("ops").isEmpty());
        }

        CliHarness.Outcome second = convert(b);
        assertEquals(0, second.exit(), second.err());
        for (String f : List.of("config.onnx", "config.tflite", "config.mlpackage", "config.mlmodel")) {
            assertEquals(Digests.sha256(a.resolve(f)), Digests.sha256(b.resolve(f)), f + " differs between two conversions");
        }
        try (Stream<Path> s = Files.list(a)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary files left");
        }
    }

    @Test
    void convertedOnnxPassesTheGoldenCheck() {
        Path out = dir.resolve("o");
        assertEquals(0, CliHarness.run("convert", CASE.resolve("config.json").toString(), "--weights",
                CASE.resolve("weights.safetensors").toString(), "--batch", "2", "--target", "onnx", "--out", out.toString(),
                "--quiet").exit());
        CliHarness.Outcome check = CliHarness.run("golden", "check", out.resolve("config.onnx").toString(), "--input",
                CASE.resolve("input.npy").toString(), "--expected", CASE.resolve("expected.npy").toString(), "--atol", "2e-5",
                "--rtol", "0");
        assertEquals(0, check.exit(), check.out() + check.err());
    }

    @Test
    void unsupportedCombinationWritesNothing() throws Exception {
        // V2's half-pixel upsampling needs NeuralNetwork spec 5 (iOS 14): with --min-ios 13 the
        // coreml-nn target refuses, and because targets are checked first, onnx is not written either.
        Path out = dir.resolve("n");
        CliHarness.Outcome o = CliHarness.run("convert", CASE.resolve("config.json").toString(), "--target", "onnx,coreml-nn",
                "--min-ios", "13", "--out", out.toString(), "--quiet");
        assertEquals(Main.BAD_INPUT, o.exit(), o.err());
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(0, s.count(), "no artifact written");
        }
    }
}
