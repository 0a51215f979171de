package dev.formwork.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every input the fuzzer once broke a reader with, kept under {@code regressions/<reader>/}: each
 * must now be read, or refused with a one-line FormworkException, within the budgets. (Some were
 * valid files a reader choked on, such as a model whose MACs could not be counted.)
 */
class RegressionFilesTest {
    private static final Path ROOT = Path.of("src/test/resources/regressions");
    private static ContractCheck check;

    @TempDir
    static Path work;

    @BeforeAll
    static void start() throws IOException {
        check = new ContractCheck(30_000, 256L << 20);
        // Targets that build their inputs around a seed package need their seeds loaded once.
        for (FuzzTarget t : Targets.all()) t.seeds(Files.createDirectories(work.resolve(t.name() + "-seeds")));
    }

    @AfterAll
    static void stop() {
        check.close();
    }

    static Stream<String> files() throws IOException {
        List<String> r = new ArrayList<>();
        try (Stream<Path> s = Files.walk(ROOT)) {
            s.filter(Files::isRegularFile).sorted().forEach(p -> r.add(ROOT.relativize(p).toString()));
        }
        return r.stream();
    }

    @ParameterizedTest
    @MethodSource("files")
    void keepsTheContract(String file) throws IOException {
        String target = Path.of(file).getName(0).toString();
        ContractCheck.Outcome o = check.check(Targets.named(target), Files.readAllBytes(ROOT.resolve(file)), work);
        assertNull(o.failure(), () -> file + ": " + o.failure() + " | " + o.message());
        if (o.refused()) assertFalse(o.message().contains("\n"), o.message());
    }
}
