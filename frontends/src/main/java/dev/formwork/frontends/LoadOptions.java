package dev.formwork.frontends;

import java.nio.file.Path;

/**
 * How to load a model: static batch size (default 1), an optional input-size override (null =
 * the config's), an optional weights file (null = random weights) and the random seed (default 0).
 * Immutable; the {@code with...} methods return copies.
 */
public record LoadOptions(int batch, Integer imageSize, Path weights, long seed) {
    public LoadOptions {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (imageSize != null && imageSize < 1) throw new IllegalArgumentException("image size must be >= 1, got " + imageSize);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(1, null, null, 0);
    }

    public LoadOptions withBatch(int b) {
        return new LoadOptions(b, imageSize, weights, seed);
    }

    public LoadOptions withImageSize(Integer size) {
        return new LoadOptions(batch, size, weights, seed);
    }

    public LoadOptions withWeights(Path file) {
        return new LoadOptions(batch, imageSize, file, seed);
    }

    public LoadOptions withSeed(long s) {
        return new LoadOptions(batch, imageSize, weights, s);
    }
}
