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
}
