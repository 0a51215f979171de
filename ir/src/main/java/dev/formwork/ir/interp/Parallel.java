package dev.formwork.ir.interp;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;

/**
 * Work splitting for kernels. One pool for the process; its size is the number of processors
 * unless {@code -Dformwork.threads=N} or {@link #setThreads} says otherwise (benchmarks measure
 * 1 and 2 threads).
 */
public final class Parallel {
    /** Splits [0, n) into ranges; the body gets (from, to). */
    public interface RangeBody {
        void run(int from, int to);
    }

    private static volatile ForkJoinPool pool = newPool(defaultThreads());

    private Parallel() {}

    private static int defaultThreads() {
        String s = System.getProperty("formwork.threads");
        if (s != null) return Math.max(1, Integer.parseInt(s));
        return Runtime.getRuntime().availableProcessors();
    }

    private static ForkJoinPool newPool(int n) {
        return new ForkJoinPool(n, p -> {
            var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            t.setDaemon(true);
            t.setName("formwork-kernel-" + t.getPoolIndex());
            return t;
        }, null, false);
    }

    public static int threads() {
        return pool.getParallelism();
    }

    public static synchronized void setThreads(int n) {
        if (n == pool.getParallelism()) return;
        ForkJoinPool old = pool;
        pool = newPool(Math.max(1, n));
        old.shutdown();
    }

    /**
     * Runs {@code body} over [0, n) in chunks of at least {@code grain} items, in parallel when
     * there is enough work. Chunk boundaries depend only on n, grain and the thread count, so
     * results are reproducible for a given thread count.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        int threads = pool.getParallelism();
        if (n <= 0) return;
        int chunks = Math.min(threads * 4, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || threads == 1 || inWorker()) {
            body.run(0, n);
            return;
        }
        pool.invoke(new Chunk(body, n, chunks, 0, chunks));
    }

    private static boolean inWorker() {
        return Thread.currentThread() instanceof java.util.concurrent.ForkJoinWorkerThread w && w.getPool() == pool;
    }

    private static final class Chunk extends RecursiveAction {
        private final RangeBody body;
        private final int n, chunks, lo, hi;

        Chunk(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int from = (int) ((long) n * lo / chunks);
                int to = (int) ((long) n * hi / chunks);
                if (to > from) body.run(from, to);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Chunk(body, n, chunks, lo, mid), new Chunk(body, n, chunks, mid, hi));
        }
    }
}
