package dev.formwork.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the rest of the machine was while a section ran: the CPU time all processes used
 * ({@code /proc/stat}) minus what this harness and its finished children used ({@code
 * /proc/self/stat} utime, stime, cutime, cstime), as a share of the machine's CPU capacity over
 * the same interval, plus the share the hypervisor stole. A few percent is background; more
 * means another job competed with the measurements and their spread will show it.
 */
public final class CpuShare {
    /** Cumulative clock ticks at one moment: machine busy, machine total, hypervisor steal, this process and children. */
    public record Snapshot(long busy, long total, long steal, long own) {}

    /** Shares of the machine's capacity between two snapshots (NaN when /proc could not be read). */
    public record Result(double others, double steal) {}

    private CpuShare() {}

    public static Snapshot now() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long user = l(f[1]), nice = l(f[2]), system = l(f[3]), idle = l(f[4]), iowait = l(f[5]), irq = l(f[6]), softirq = l(f[7]);
            long steal = f.length > 8 ? l(f[8]) : 0;
            long busy = user + nice + system + irq + softirq;
            String self = Files.readString(Path.of("/proc/self/stat"));
            String[] s = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
            // after the comm field: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
            long own = l(s[11]) + l(s[12]) + l(s[13]) + l(s[14]);
            return new Snapshot(busy, busy + idle + iowait + steal, steal, own);
        } catch (IOException | RuntimeException e) {
            return new Snapshot(-1, -1, -1, -1);
        }
    }

    public static Result between(Snapshot a, Snapshot b) {
        long total = b.total() - a.total();
        if (a.total() < 0 || b.total() < 0 || total <= 0) return new Result(Double.NaN, Double.NaN);
        double others = Math.max(0, (b.busy() - a.busy()) - (b.own() - a.own())) / (double) total;
        return new Result(others, (b.steal() - a.steal()) / (double) total);
    }

    private static long l(String s) {
        return Long.parseLong(s);
    }
}
