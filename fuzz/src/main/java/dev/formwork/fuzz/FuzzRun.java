package dev.formwork.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds one target a sequence of mutated seeds and keeps the statistics the report needs: inputs
 * tried, how many were accepted or refused, each distinct failure (by exception class and first
 * Formwork frame, or by budget) with the first input that showed it, and the slowest and the most
 * allocating input. Failing inputs are saved under {@code failures/} to become regression files.
 */
public final class FuzzRun {
    /** One distinct failure: what it was, how often it came up, and where its first input was saved. */
    public record Failure(String signature, String message, int count, Path input) {}

    /** The result of a run over one target. */
    public record Report(String target, int inputs, int accepted, int refused, List<Failure> failures, long slowestNanos,
            int slowestIndex, long largestAllocation, int largestAllocationIndex) {
        public String summary() {
            return String.format("%-10s inputs %6d  accepted %6d  refused %6d  failures %3d  slowest #%d %.1f ms  "
                    + "largest allocation #%d %.1f MB", target, inputs, accepted, refused, failures.size(), slowestIndex,
                    slowestNanos / 1e6, largestAllocationIndex, largestAllocation / 1e6);
        }
    }

    private FuzzRun() {}

    public static Report run(FuzzTarget target, int inputs, long seed, ContractCheck check, Path work, Path failureDir)
            throws IOException {
        Path seedDir = Files.createDirectories(work.resolve(target.name() + "-seeds"));
        List<byte[]> seeds = target.seeds(seedDir);
        Mutator mutator = new Mutator(seeds, target.tokens(), seed);
        Map<String, Failure> failures = new LinkedHashMap<>();
        int accepted = 0, refused = 0, slowestIndex = -1, largestIndex = -1;
        long slowest = -1, largest = -1;
        for (int i = 0; i < inputs; i++) {
            // The seeds themselves go first: a reader that refuses a valid file is broken too.
            byte[] input = i < seeds.size() ? seeds.get(i) : mutator.next();
            ContractCheck.Outcome o = check.check(target, input, work);
            if (o.nanos() > slowest) {
                slowest = o.nanos();
                slowestIndex = i;
            }
            if (o.allocatedBytes() > largest) {
                largest = o.allocatedBytes();
                largestIndex = i;
            }
            String failure = o.failure();
            if (failure == null && i < seeds.size() && o.refused()) failure = "valid seed refused";
            if (failure != null) {
                Failure prev = failures.get(failure);
                Path saved = prev != null ? prev.input() : save(failureDir, target, failures.size(), input);
                failures.put(failure, new Failure(failure, prev != null ? prev.message() : o.message(),
                        prev == null ? 1 : prev.count() + 1, saved));
            } else if (o.refused()) {
                refused++;
            } else {
                accepted++;
            }
        }
        return new Report(target.name(), inputs, accepted, refused, List.copyOf(failures.values()), slowest, slowestIndex,
                largest, largestIndex);
    }

    private static Path save(Path failureDir, FuzzTarget target, int n, byte[] input) throws IOException {
        if (failureDir == null) return null;
        Path dir = Files.createDirectories(failureDir.resolve(target.name()));
        Path f = dir.resolve("failure-" + n + ".bin");
        Files.write(f, input);
        return f;
    }
}
