package dev.formwork.golden;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The suite's stored data, for every target's tests: the public golden cases in
 * {@code testdata/golden} (config, real weights, input, expected logits) and the regression
 * goldens recorded per zoo model in {@code regression/<model>.json}.
 */
public final class GoldenData {
    private GoldenData() {}

    /** A golden case's model with its weights, at the batch of its stored input. */
    public static LoadedModel load(String golden) {
        Path dir = TestData.golden(golden);
        int batch = input(golden).dim(0);
        return Models.load(dir.resolve("config.json").toString(),
                LoadOptions.defaults().withBatch(batch).withWeights(dir.resolve("weights.safetensors")));
    }

    public static NdArray input(String golden) {
        return Npy.read(TestData.golden(golden).resolve("input.npy"));
    }

    public static NdArray expected(String golden) {
        return Npy.read(TestData.golden(golden).resolve("expected.npy"));
    }

    /** The recorded reference logits of a zoo model. */
    public static RegressionGolden regression(String model) {
        try (InputStream in = GoldenData.class.getResourceAsStream("/regression/" + model + ".json")) {
            assertNotNull(in, "regression/" + model + ".json missing: record it (golden-tests/README.md)");
            return RegressionGolden.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
