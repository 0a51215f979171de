package dev.formwork.cli.release;

import dev.formwork.cli.Main;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code release job}: one job of a release, in its own process ({@code release --jobs N} starts
 * these). Its entry goes to {@code OUT/.release/jobs/}; the exit code is 0 whenever that entry
 * was written, whether or not the checks passed.
 */
@Command(name = "job", hidden = true, description = "Runs one job of a release (used by 'release --jobs N').")
final class ReleaseJob implements Callable<Integer> {
    @Parameters(paramLabel = "RELEASE.json")
    Path file;

    @Option(names = "--job", required = true, paramLabel = "NAME", description = "The job: MODEL/TARGET-PRECISION.")
    String name;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--cache", paramLabel = "DIR")
    Path cache;

    @Override
    public Integer call() throws IOException {
        ReleaseFile release = ReleaseFile.read(file);
        Job job = Job.plan(release).stream().filter(j -> j.name().equals(name)).findFirst()
                .orElseThrow(() -> new FormworkException(file + ": no job " + name));
        JobRunner.run(job, out, Cache.open(cache));
        return Main.OK;
    }
}
