package dev.formwork.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The I/O floor of a conversion, measured in the harness process in the same page-cache state as
 * the conversions around it: reading the weight file once (a FileChannel into a reused direct
 * buffer) plus writing the artifacts' total byte count once (a fresh scratch file beside the
 * artifacts, written from a direct buffer and closed; no fsync, as the CLI does none). Deleting
 * the previous scratch file is not timed.
 */
public final class IoFloor {
    private static final int CHUNK = 16 << 20;

    /** Per-iteration read, write and total milliseconds. */
    public record Result(Stats readMs, Stats writeMs, Stats totalMs) {}

    private IoFloor() {}

    public static Result measure(Path weights, long writeBytes, Path scratch, int runs) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
        List<Double> r = new ArrayList<>(), w = new ArrayList<>(), t = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Files.deleteIfExists(scratch);
            long t0 = System.nanoTime();
            long read = 0;
            try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.READ)) {
                for (int n; (n = ch.read(buf.clear())) > 0; ) read += n;
            }
            long t1 = System.nanoTime();
            try (FileChannel ch = FileChannel.open(scratch, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                for (long left = writeBytes; left > 0; ) {
                    buf.clear().limit((int) Math.min(CHUNK, left));
                    while (buf.hasRemaining()) left -= ch.write(buf);
                }
            }
            long t2 = System.nanoTime();
            if (read != Files.size(weights)) throw new IOException(weights + ": read " + read + " bytes");
            r.add((t1 - t0) / 1e6);
            w.add((t2 - t1) / 1e6);
            t.add((t2 - t0) / 1e6);
        }
        Files.deleteIfExists(scratch);
        return new Result(Stats.of(r), Stats.of(w), Stats.of(t));
    }
}
