package dev.formwork.fuzz;

import dev.formwork.exporters.AtomicOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The long fuzzing run: {@code ./fuzz [--inputs N] [--targets a,b] [--seed S] [--out DIR]}.
 * Prints one line per reader (inputs tried, accepted, refused, failures, slowest input and most
 * allocating input, by index) and each failure with the file its input was saved to. Exit code
 * 0 when no reader broke the contract, 1 otherwise.
 */
public final class FuzzMain {
    /** Per-input budgets of the long run: the contract's 30 s is the hard limit, these are tighter. */
    static final long TIME_BUDGET_MS = 5_000;
    static final long ALLOCATION_BUDGET = 256L << 20;

    private FuzzMain() {}

    public static void main(String[] args) throws IOException {
        int inputs = 10_000;
        long seed = 1;
        List<FuzzTarget> targets = Targets.all();
        Path out = Path.of("fuzz-out");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--inputs" -> inputs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--targets" -> {
                    targets = new ArrayList<>();
                    for (String n : args[++i].split(",")) targets.add(Targets.named(n.trim()));
                }
                default -> {
                    System.err.println("usage: fuzz [--inputs N] [--targets " + String.join(",", Targets.all().stream()
                            .map(FuzzTarget::name).toList()) + "] [--seed S] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        Path work = Files.createTempDirectory(out, ".work");
        boolean clean = true;
        try (ContractCheck check = new ContractCheck(TIME_BUDGET_MS, ALLOCATION_BUDGET)) {
            for (FuzzTarget t : targets) {
                FuzzRun.Report r = FuzzRun.run(t, inputs, seed, check, work, out.resolve("failures"));
                System.out.println(r.summary());
                for (FuzzRun.Failure f : r.failures()) {
                    clean = false;
                    System.out.println("    FAIL x" + f.count() + " " + f.signature() + " | " + f.message() + " | " + f.input());
                }
            }
        } finally {
            AtomicOutput.deleteRecursively(work);
        }
        System.exit(clean ? 0 : 1);
    }
}
