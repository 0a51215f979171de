package dev.formwork.fuzz;

import dev.formwork.fuzz.targets.ConfigTarget;
import dev.formwork.fuzz.targets.MlModelTarget;
import dev.formwork.fuzz.targets.MlPackageTarget;
import dev.formwork.fuzz.targets.NpyTarget;
import dev.formwork.fuzz.targets.OnnxImportTarget;
import dev.formwork.fuzz.targets.OnnxTarget;
import dev.formwork.fuzz.targets.SafetensorsTarget;
import dev.formwork.fuzz.targets.TfliteTarget;
import dev.formwork.fuzz.targets.TorchLegacyTarget;
import dev.formwork.fuzz.targets.TorchPickleTarget;
import dev.formwork.fuzz.targets.TorchZipTarget;
import java.util.List;

/** Every reader the harness fuzzes, one line each. One instance each: a target keeps what its seeds() found. */
public final class Targets {
    private static final List<FuzzTarget> ALL = List.of(
            new SafetensorsTarget(),
            new NpyTarget(),
            new ConfigTarget(),
            new OnnxTarget(),
            new OnnxImportTarget(),
            new TfliteTarget(),
            new MlModelTarget(),
            new MlPackageTarget(),
            new TorchZipTarget(),
            new TorchPickleTarget(),
            new TorchLegacyTarget());

    private Targets() {}

    public static List<FuzzTarget> all() {
        return ALL;
    }

    public static FuzzTarget named(String name) {
        for (FuzzTarget t : all()) if (t.name().equals(name)) return t;
        throw new IllegalArgumentException("no fuzz target '" + name + "'");
    }
}
