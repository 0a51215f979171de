package dev.formwork.cli.release;

import dev.formwork.cli.Main;
import dev.formwork.ir.FormworkException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code release worker}: one of the job processes of {@code release --jobs N}. It reads job names
 * from stdin, one a line, runs each and answers on stdout with {@value #REPLY} followed by
 * {@code ok NAME} or {@code error NAME MESSAGE}; it ends at end of input. One process runs many
 * jobs, so JVM start-up and runtime loading are paid once per worker, not once per job.
 */
@Command(name = "worker", hidden = true, description = "Runs jobs of a release named on stdin (used by 'release --jobs N').")
final class ReleaseWorker implements Callable<Integer> {
    static final String REPLY = "@release ";

    @Parameters(paramLabel = "RELEASE.json")
    Path file;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR")
    Path cache;

    @Override
    public Integer call() throws Exception {
        // Replies go to the real stdout; anything a runtime prints there is not a reply line.
        PrintStream replies = System.out;
        ReleaseFile release = ReleaseFile.read(file);
        Map<String, Job> jobs = new LinkedHashMap<>();
        for (Job j : Job.plan(release)) jobs.put(j.name(), j);
        Cache c = Cache.open(cache);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String name; (name = in.readLine()) != null; ) {
            name = name.strip();
            if (name.isEmpty()) continue;
            String reply;
            try {
                Job job = jobs.get(name);
                if (job == null) throw new FormworkException(file + ": no job " + name);
                JobRunner.run(job, out, c);
                reply = "ok " + name;
            } catch (FormworkException e) {
                reply = "error " + name + " " + ReleaseFile.firstLine(e.getMessage());
            } catch (RuntimeException | java.io.IOException e) {
                reply = "error " + name + " internal error: " + e + " (this is a bug)";
            }
            replies.println(REPLY + reply);
            replies.flush();
        }
        return Main.OK;
    }
}
