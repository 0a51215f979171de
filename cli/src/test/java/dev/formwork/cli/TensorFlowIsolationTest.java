package dev.formwork.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.io.Npy;
import dev.formwork.ir.op.ShapeOps;
import dev.formwork.testing.TestData;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorFlow Java stays off the command line's class path (the jar manifest's, which Maven
 * builds from the runtime scope written to target/classpath/runtime.txt), and a SavedModel still
 * converts, verifies and runs when the CLI is started on exactly that class path, with TensorFlow
 * loaded from its own jars.
 */
class TensorFlowIsolationTest {
    private static final Path BUILD = Path.of(System.getProperty("formwork.buildDir", "target"));
    private static final Path CLASSPATHS = BUILD.resolve("classpath");
    private static final Path CASE = TestData.golden("tiny_v1_64");

    @TempDir
    Path dir;

    @Test
    void theLaunchersClassPathHasNoTensorFlowJava() throws Exception {
        List<String> names = runtimeClassPath().stream().map(p -> Path.of(p).getFileName().toString()).toList();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("onnxruntime-")), "the list is the runtime class path: " + names);
        for (String n : names) assertFalse(n.startsWith("tensorflow-core-") || n.startsWith("ndarray-"), "TensorFlow Java on the class path: " + n);
    }

    @Test
    void aSavedModelConvertsVerifiesAndRunsWithTensorFlowFromItsOwnJars() throws Exception {
        String tf = Files.readString(CLASSPATHS.resolve("tensorflow.txt")).strip();
        assertTrue(tf.contains("tensorflow-core-native"), tf);
        Path out = dir.resolve("dist");
        Outcome c = cli(tf, "convert", CASE.resolve("config.json").toString(), "--weights", CASE.resolve("weights.safetensors").toString(),
                "--batch", "2", "--target", "savedmodel", "--out", out.toString(), "--verify", "--quiet");
        assertEquals(0, c.exit, c.err + c.out);
        assertTrue(c.out.lines().anyMatch(l -> l.startsWith("verify savedmodel") && l.contains("on tensorflow") && l.contains("PASS")), c.out);

        Path sm = out.resolve("config.savedmodel"), x = dir.resolve("x.npy"), y = dir.resolve("y.npy");
        Files.write(x, Npy.encode(ShapeOps.permute(Npy.read(CASE.resolve("input.npy")), new int[] {0, 2, 3, 1})));
        Outcome r = cli(tf, "run", sm.toString(), "--input", x.toString(), "--output", y.toString());
        assertEquals(0, r.exit, r.err);
        Comparison cmp = Comparison.of(Npy.read(y), Npy.read(CASE.resolve("expected.npy")));
        assertTrue(cmp.maxAbs() <= 2e-5, "run: max abs " + cmp.maxAbs());

        Path empty = Files.createDirectories(dir.resolve("no-jars"));
        Outcome m = cli(empty.toString(), "run", sm.toString(), "--input", x.toString(), "--output", dir.resolve("z.npy").toString());
        assertEquals(Main.BAD_INPUT, m.exit, m.err);
        List<String> lines = m.err.lines().filter(l -> l.startsWith("formwork: ")).toList();
        assertEquals(1, lines.size(), m.err);
        assertTrue(lines.get(0).contains("config.savedmodel") && lines.get(0).contains("TensorFlow Java") && lines.get(0).contains("no jars in"), lines.get(0));
        assertFalse(m.err.contains("\tat "), "no stack trace: " + m.err);
        assertFalse(Files.exists(dir.resolve("z.npy")));
    }

    private record Outcome(int exit, String out, String err) {}

    private static List<String> runtimeClassPath() throws Exception {
        String cp = Files.readString(CLASSPATHS.resolve("runtime.txt")).strip();
        return Arrays.stream(cp.split(File.pathSeparator)).filter(s -> !s.isBlank()).toList();
    }

    /**
     * The CLI in a JVM of its own on the launcher's class path, TensorFlow Java at {@code tfPath},
     * with the Add-Opens the jar's manifest gives {@code java -jar}.
     */
    private Outcome cli(String tfPath, String... args) throws Exception {
        List<String> cp = new ArrayList<>();
        cp.add(BUILD.resolve("classes").toAbsolutePath().toString());
        cp.addAll(runtimeClassPath());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-Xss8m", "-Xmx1g",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-Dformwork.tensorflow.path=" + tfPath,
                "-cp", String.join(File.pathSeparator, cp), "dev.formwork.cli.Main"));
        cmd.addAll(List.of(args));
        Path o = dir.resolve("stdout.txt"), e = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
        int code = p.waitFor();
        return new Outcome(code, Files.readString(o, StandardCharsets.UTF_8), Files.readString(e, StandardCharsets.UTF_8));
    }
}
