package dev.formwork.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The short seeded run: a few hundred mutated inputs per reader, each of which must be accepted
 * or refused with a one-line FormworkException, allocating at most 256 MB. The time limit is the
 * contract's 30 s and only catches hangs; how fast readers are is measured by ./fuzz-readers.
 */
class ReaderFuzzTest {
    private static final int INPUTS = 300;
    private static ContractCheck check;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() {
        check = new ContractCheck(30_000, 256L << 20);
    }

    @AfterAll
    static void stop() {
        check.close();
    }

    static Stream<String> targets() {
        return Targets.all().stream().map(FuzzTarget::name);
    }

    @ParameterizedTest
    @MethodSource("targets")
    void everyInputIsReadOrRefusedInOneLine(String name) throws IOException {
        FuzzRun.Report r = FuzzRun.run(Targets.named(name), INPUTS, 20261201L, check, work, null);
        assertEquals(INPUTS, r.inputs());
        assertTrue(r.failures().isEmpty(), () -> r.summary() + "\n" + r.failures());
        // The seeds are valid files, so a reader that refuses everything would fail above; a
        // mutator that never produced a refused input would test nothing.
        assertTrue(r.refused() > INPUTS / 10, r.summary());
    }
}
