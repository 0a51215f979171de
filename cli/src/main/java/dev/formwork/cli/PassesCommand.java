package dev.formwork.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Lists the passes with their purpose. */
@Command(name = "passes", mixinStandardHelpOptions = true, description = "Lists the optimisation passes and the default pipeline.")
final class PassesCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return Main.OK;
    }
}
