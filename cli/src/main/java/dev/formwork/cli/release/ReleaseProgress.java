package dev.formwork.cli.release;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/** Progress lines on stderr: jobs done/total, the job that started or finished, and how long it took. */
final class ReleaseProgress {
    private final PrintWriter err;
    private final int total;
    private int done;

    ReleaseProgress(PrintWriter err, int total) {
        this.err = err;
        this.total = total;
    }

    synchronized void started(Job job, int running) {
        err.printf(Locale.ROOT, "  [%d/%d] start %s%s%n", done, total, job.name(), running > 1 ? " (" + running + " running)" : "");
        err.flush();
    }

    synchronized void finished(Job job, Map<String, Object> entry, double seconds) {
        done++;
        String verdict = Boolean.TRUE.equals(entry.get("passed")) ? "PASS" : "FAIL";
        String cached = Boolean.TRUE.equals(entry.get("from_cache")) ? ", from cache" : "";
        err.printf(Locale.ROOT, "  [%d/%d] done  %s %s (%.2f s%s)%n", done, total, job.name(), verdict, seconds, cached);
        err.flush();
    }

    void line(String s) {
        err.println(s);
        err.flush();
    }
}
