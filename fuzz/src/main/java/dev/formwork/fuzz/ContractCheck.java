package dev.formwork.fuzz;

import dev.formwork.exporters.AtomicOutput;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Runs a reader on one input and checks the bad-input contract: the reader either accepts the
 * file or refuses it with a {@link FormworkException} whose message is one line without raw
 * {@code java.x.YException} text; nothing else may escape (no RuntimeException, no
 * StackOverflowError, no OutOfMemoryError); and it ends within the time budget having allocated
 * at most the allocation budget on its thread.
 *
 * <p>The reader runs on a worker thread so that a hang is reported (and the thread abandoned)
 * rather than stopping the run. Allocation is the worker thread's allocated-bytes counter
 * ({@code com.sun.management.ThreadMXBean}), which counts every allocation, freed or not.
 */
public final class ContractCheck implements AutoCloseable {
    /** What happened to one input. {@code failure} is null when the contract held. */
    public record Outcome(boolean refused, String failure, String message, long nanos, long allocatedBytes) {}

    private static final Pattern RAW_EXCEPTION = Pattern.compile("java\\.[a-z.]+\\.[A-Z]\\w*(Exception|Error)");
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final long timeBudgetNanos;
    private final long allocationBudget;
    private ExecutorService worker = newWorker();

    public ContractCheck(long timeBudgetMillis, long allocationBudgetBytes) {
        this.timeBudgetNanos = TimeUnit.MILLISECONDS.toNanos(timeBudgetMillis);
        this.allocationBudget = allocationBudgetBytes;
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes {@code input} into a fresh scratch folder under {@code scratch}, reads it, checks the contract. */
    public Outcome check(FuzzTarget target, byte[] input, Path scratch) throws IOException {
        Path dir = Files.createTempDirectory(scratch, target.name());
        try {
            Path file = target.materialize(input, dir);
            Future<Outcome> f = worker.submit(() -> readOnce(target, file));
            try {
                Outcome o = f.get(timeBudgetNanos * 4 / 1_000_000 + 1000, TimeUnit.MILLISECONDS);
                if (o.failure() == null && o.nanos() > timeBudgetNanos) {
                    return new Outcome(o.refused(), "over the time budget", o.nanos() / 1_000_000 + " ms; " + o.message(), o.nanos(),
                            o.allocatedBytes());
                }
                if (o.failure() == null && o.allocatedBytes() > allocationBudget) {
                    return new Outcome(o.refused(), "over the allocation budget", o.allocatedBytes() + " bytes; " + o.message(),
                            o.nanos(), o.allocatedBytes());
                }
                return o;
            } catch (TimeoutException e) {
                f.cancel(true);
                worker.shutdownNow();
                worker = newWorker();
                return new Outcome(false, "hang", "no result after " + timeBudgetNanos * 4 / 1_000_000 + " ms",
                        timeBudgetNanos * 4, -1);
            } catch (ExecutionException e) {
                return new Outcome(false, "harness: " + e.getCause(), null, 0, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        } finally {
            AtomicOutput.deleteRecursively(dir);
        }
    }

    private static Outcome readOnce(FuzzTarget target, Path file) {
        long id = Thread.currentThread().getId();
        long a0 = THREADS.getThreadAllocatedBytes(id);
        long t0 = System.nanoTime();
        String failure = null, message = null;
        boolean refused = false;
        try {
            target.read(file);
        } catch (FormworkException e) {
            refused = true;
            message = e.getMessage();
            if (message == null || message.isBlank()) failure = "FormworkException without a message";
            else if (message.indexOf('\n') >= 0) failure = "message spans lines";
            else if (RAW_EXCEPTION.matcher(message).find()) failure = "raw exception text in message";
        } catch (Throwable t) {
            failure = signature(t);
            message = String.valueOf(t.getMessage());
        }
        long nanos = System.nanoTime() - t0;
        long bytes = THREADS.getThreadAllocatedBytes(id) - a0;
        return new Outcome(refused, failure, message, nanos, bytes);
    }

    /** The exception class and the first frame inside Formwork: what makes two failures the same bug. */
    static String signature(Throwable t) {
        StringBuilder s = new StringBuilder(t.getClass().getName());
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("dev.formwork.") && !e.getClassName().startsWith("dev.formwork.fuzz.")) {
                s.append(" at ").append(e.getClassName()).append('.').append(e.getMethodName()).append(':').append(e.getLineNumber());
                break;
            }
        }
        return s.toString();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
