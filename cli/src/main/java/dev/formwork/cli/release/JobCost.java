package dev.formwork.cli.release;

import dev.formwork.frontends.config.ConfigParser;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.frontends.config.Zoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one job is expected to cost, from the architecture alone (no graph is built, so planning
 * an L7 release stays cheap): multiply-accumulates of one forward pass (the verification and
 * golden runs) and weight bytes (reading, rewriting and writing the weights). The numbers are
 * estimates for balancing shards and budgeting memory, not measurements.
 *
 * <p>A block's weights are its two MLP projections plus, in attention blocks, four
 * width-squared projections; its MACs are its weights times the positions of its stage.
 */
record JobCost(long macs, long weightBytes) {
    /** Bytes of weights that cost as much conversion time as one multiply-accumulate, roughly. */
    private static final long BYTE_WEIGHT = 20;

    static JobCost estimate(ReleaseFile.Model m) {
        ModelConfig c = config(m);
        long weightsFile = size(m.weightsPath());
        if (c == null) {
            long bytes = weightsFile > 0 ? weightsFile : size(Path.of(m.modelArg()));
            return new JobCost(bytes / 4 * 196, bytes);
        }
        int image = m.imageSize() != null ? m.imageSize() : c.imageSize();
        long macs = 0, params = 0;
        for (int s = 0; s < 4; s++) {
            long dim = c.embedDim(s);
            long side = Math.max(1, (image + (4 << s) - 1) / (4 << s));
            long blockParams = 0;
            for (int b = 0; b < c.depth(s); b++) {
                blockParams += 2 * dim * c.mlpHidden(s, b);
                if (s >= 2 && b >= c.depth(s) - c.numVit()) blockParams += 4 * dim * dim;
            }
            params += blockParams;
            macs += blockParams * side * side;
        }
        params += (long) c.embedDim(3) * c.numClasses() * (c.distillation() ? 2 : 1);
        return new JobCost(macs * m.batch(), weightsFile > 0 ? weightsFile : 4 * params);
    }

    /** The balancing weight of the job. */
    long units() {
        return macs + BYTE_WEIGHT * weightBytes;
    }

    /**
     * Memory a job process needs, for the --jobs budget: the JVM and runtimes, plus the loaded
     * weights, one rewritten copy and the writer's buffer.
     */
    long memoryBytes() {
        return (512L << 20) + 4 * weightBytes;
    }

    private static ModelConfig config(ReleaseFile.Model m) {
        String lower = m.model().toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith(".json")) return ConfigParser.parse(Path.of(m.modelArg()));
        if (lower.endsWith(".onnx")) return null;
        return Zoo.get(m.model());
    }

    private static long size(Path p) {
        try {
            return p == null ? 0 : Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
