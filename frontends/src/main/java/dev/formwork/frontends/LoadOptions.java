package dev.formwork.frontends;

import java.nio.file.Path;

/**
 * How to load a model: static batch size (default 1), an optional input-size override (null =
 * the config's), an optional weights file (null = random weights), the random seed (default 0)
 * and, for PyTorch checkpoints, the top-level entry that holds the weights (null = detected:
 * {@code state_dict}, {@code model} or the file's dict itself).
 * Immutable; the {@code with...} methods return copies.
 */
public record LoadOptions(int batch, Integer imageSize, Path weights, long seed, String weightsKey) {
    public LoadOptions {
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        if (imageSize != null && imageSize < 1) throw new IllegalArgumentException("image size must be >= 1, got " + imageSize);
    }

    public LoadOptions(int batch, Integer imageSize, Path weights, long seed) {
        this(batch, imageSize, weights, seed, null);
    }

    public static LoadOptions defaults() {
        return new LoadOptions(1, null, null, 0);
    }

    public LoadOptions withBatch(int b) {
        return new LoadOptions(b, imageSize, weights, seed, weightsKey);
    }

    public LoadOptions withImageSize(Integer size) {
        return new LoadOptions(batch, size, weights, seed, weightsKey);
    }

    public LoadOptions withWeights(Path file) {
        return new LoadOptions(batch, imageSize, file, seed, weightsKey);
    }

    public LoadOptions withSeed(long s) {
        return new LoadOptions(batch, imageSize, weights, s, weightsKey);
    }

    public LoadOptions withWeightsKey(String key) {
        return new LoadOptions(batch, imageSize, weights, seed, key);
    }
}
