package dev.formwork.golden;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Records {@code regression/<model>.json} for zoo models: random weights from seed 0, batch 1,
 * the model's own image size, a seeded gaussian input, logits from the REFERENCE INTERPRETER
 * (never from an exported artifact, so the goldens check the exporters rather than copy them).
 *
 * <p>Usage: {@code RecordRegressionGoldens OUT_DIR [MODEL...]} (default: every zoo model). See
 * golden-tests/README.md for the Maven command.
 */
public final class RecordRegressionGoldens {
    public static final long WEIGHTS_SEED = 0;
    public static final long INPUT_SEED = 0;

    private RecordRegressionGoldens() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) throw new IllegalArgumentException("usage: RecordRegressionGoldens OUT_DIR [MODEL...]");
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        List<String> models = args.length > 1 ? Arrays.asList(args).subList(1, args.length) : Models.zooNames();
        for (String m : models) {
            long t0 = System.nanoTime();
            LoadedModel lm = Models.load(m, LoadOptions.defaults().withSeed(WEIGHTS_SEED).withBatch(1));
            int[] shape = lm.graph().input(0).shape().toArray();
            NdArray logits = new Interpreter(lm.graph()).run(SeededInput.gaussian(shape, INPUT_SEED))[0];
            new RegressionGolden(m, WEIGHTS_SEED, INPUT_SEED, shape, logits.data(), 1e-4, 1e-5,
                    "reference interpreter, formwork " + dev.formwork.exporters.FormworkVersion.VERSION)
                    .write(out.resolve(m + ".json"));
            System.out.printf("%s: %s -> %s in %.1f s%n", m, Arrays.toString(shape), Arrays.toString(logits.shape()),
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
