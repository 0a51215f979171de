package dev.formwork.cli;

import dev.formwork.passes.Pass;
import dev.formwork.passes.PassRegistry;
import dev.formwork.passes.Pipelines;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** Lists the passes with their purpose, and the default pipeline with the reasons for its order. */
@Command(name = "passes", mixinStandardHelpOptions = true,
        description = "Lists the optimisation passes and the default pipeline (use with convert --passes).")
final class PassesCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Passes (convert --passes default|none|P1,P2,...):");
        for (Pass p : PassRegistry.standard().all()) {
            out.printf("  %-22s %s%s%n", p.name(), p.purpose(), p.idempotent() ? "" : " (not idempotent)");
        }
        out.println();
        out.println("Default pipeline, in order:");
        int i = 1;
        for (Pipelines.Entry e : Pipelines.DEFAULT) out.printf("  %2d. %-22s %s%n", i++, e.pass(), e.reason());
        out.println();
        out.println("--passes none still runs what a target needs to be valid (e.g. lower-gelu where the");
        out.println("target has no native GELU); --check-passes certifies every pass numerically.");
        out.flush();
        return Main.OK;
    }
}
