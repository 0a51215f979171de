package dev.formwork.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.formwork.exporters.AtomicOutput;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The readers under Jazzer's coverage-guided engine: {@code JAZZER_FUZZ=1 mvn -pl fuzz -am verify
 * -Dtest='CoverageGuidedFuzzTest#npy'} fuzzes one reader (see the README). Without
 * {@code JAZZER_FUZZ} each method only replays its inputs under
 * {@code src/test/resources/dev/formwork/fuzz/CoverageGuidedFuzzTestInputs/}, if any. Anything but
 * a FormworkException escaping the reader is a finding.
 */
class CoverageGuidedFuzzTest {
    private static final Path WORK;

    static {
        try {
            WORK = Files.createTempDirectory("formwork-jazzer");
            for (FuzzTarget t : Targets.all()) t.seeds(Files.createDirectories(WORK.resolve(t.name() + "-seeds")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void contract(String target, byte[] input) throws IOException {
        FuzzTarget t = Targets.named(target);
        Path dir = Files.createTempDirectory(WORK, target);
        try {
            t.read(t.materialize(input, dir));
        } catch (FormworkException e) {
            if (e.getMessage() == null || e.getMessage().indexOf('\n') >= 0) throw new AssertionError("not one line: " + e.getMessage());
        } finally {
            AtomicOutput.deleteRecursively(dir);
        }
    }

    @FuzzTest(maxDuration = "2m")
    void npy(byte[] input) throws IOException {
        contract("npy", input);
    }

    @FuzzTest(maxDuration = "2m")
    void safetensors(byte[] input) throws IOException {
        contract("safetensors", input);
    }

    @FuzzTest(maxDuration = "2m")
    void config(byte[] input) throws IOException {
        contract("config", input);
    }

    @FuzzTest(maxDuration = "2m")
    void onnx(byte[] input) throws IOException {
        contract("onnx", input);
    }

    @FuzzTest(maxDuration = "2m")
    void onnxImport(byte[] input) throws IOException {
        contract("onnx-import", input);
    }

    @FuzzTest(maxDuration = "2m")
    void tflite(byte[] input) throws IOException {
        contract("tflite", input);
    }

    @FuzzTest(maxDuration = "2m")
    void mlmodel(byte[] input) throws IOException {
        contract("mlmodel", input);
    }

    @FuzzTest(maxDuration = "2m")
    void pth(byte[] input) throws IOException {
        contract("pth", input);
    }

    @FuzzTest(maxDuration = "2m")
    void pthPickle(byte[] input) throws IOException {
        contract("pth-pickle", input);
    }

    @FuzzTest(maxDuration = "2m")
    void pthLegacy(byte[] input) throws IOException {
        contract("pth-legacy", input);
    }
}
