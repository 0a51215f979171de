package dev.formwork.bench;

import java.util.ArrayList;
import java.util.List;

/** Warm-up runs that are thrown away, then counted runs timed with {@link System#nanoTime}. */
public final class Sampler {
    /** A timed body; its result is kept alive so the JIT cannot drop the work. */
    @FunctionalInterface
    public interface Body {
        Object run() throws Exception;
    }

    private static volatile Object sink;

    private Sampler() {}

    /** Milliseconds of each counted run. */
    public static Stats millis(int warmup, int runs, Body body) throws Exception {
        for (int i = 0; i < warmup; i++) sink = body.run();
        List<Double> ms = new ArrayList<>(runs);
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            sink = body.run();
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        sink = null;
        return Stats.of(ms);
    }

    /**
     * Several bodies measured together: each gets its warm-up runs, then the counted runs go
     * round-robin, one run of each body per round, so that load on a shared machine falls on all
     * of them alike and their ratios stay meaningful. Stats in the order of {@code bodies}.
     */
    public static List<Stats> alternating(int warmup, int runs, List<Body> bodies) throws Exception {
        for (Body b : bodies) {
            for (int i = 0; i < warmup; i++) sink = b.run();
        }
        List<List<Double>> ms = new ArrayList<>();
        for (int i = 0; i < bodies.size(); i++) ms.add(new ArrayList<>(runs));
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < bodies.size(); i++) {
                long t0 = System.nanoTime();
                sink = bodies.get(i).run();
                ms.get(i).add((System.nanoTime() - t0) / 1e6);
            }
        }
        sink = null;
        List<Stats> out = new ArrayList<>();
        for (List<Double> m : ms) out.add(Stats.of(m));
        return out;
    }
}
