package dev.formwork.bench;

import dev.formwork.frontends.config.Family;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.frontends.config.Zoo;
import dev.formwork.frontends.efficientformer.EfficientFormerV1Builder;
import dev.formwork.frontends.efficientformer.EfficientFormerV2Builder;
import dev.formwork.frontends.weights.Init;
import dev.formwork.frontends.weights.RandomWeights;
import dev.formwork.frontends.weights.WeightSource;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A seeded random checkpoint written as a real {@code .safetensors} file, so that the conversion
 * benchmark reads its weights from disk as a user's conversion does (there are no real L7
 * checkpoints offline). The tensors are the zoo's random weights for the seed, recorded while
 * the model is built: every key the builder asks the weight source for (timm names, F32), the
 * attention index tables it checks (I64), and a {@code num_batches_tracked} I64 scalar per
 * BatchNorm, as a timm state dict has. It is written afresh on every run (about 2 s for L7), so a
 * change to the architecture or to the random initialisation can never leave a stale file behind.
 */
public final class Checkpoint {
    static final String FORMAT = "formwork-bench-checkpoint-1";

    private Checkpoint() {}

    /** Writes {@code file}; returns its size in bytes. */
    public static long write(Path file, String zooName, long seed, java.io.PrintStream log) throws IOException {
        String marker = zooName + " seed " + seed;
        long t0 = System.nanoTime();
        Map<String, Tensor> tensors = record(Zoo.get(zooName), zooName, seed);
        Files.createDirectories(file.toAbsolutePath().getParent());
        long bytes = SafetensorsWriter.write(file, tensors, Map.of("format", "pt", FORMAT, marker));
        log.printf("bench: wrote %s (%,d bytes, %d tensors) in %.1f s%n", file, bytes, tensors.size(), (System.nanoTime() - t0) / 1e9);
        return bytes;
    }

    /** The state dict a checkpoint of this model would hold, with the zoo's random values. */
    static Map<String, Tensor> record(ModelConfig config, String name, long seed) {
        Recorder r = new Recorder(new RandomWeights(seed));
        if (config.family() == Family.V1) EfficientFormerV1Builder.build(name, config, r, 1);
        else EfficientFormerV2Builder.build(name, config, r, 1);
        Map<String, Tensor> out = new LinkedHashMap<>(r.tensors);
        for (String k : r.tensors.keySet()) {
            if (k.endsWith(".running_mean")) {
                String bn = k.substring(0, k.length() - ".running_mean".length());
                out.put(bn + ".num_batches_tracked", Tensor.ofLongs(Shape.SCALAR, 0L));
            }
        }
        return out;
    }

    /** Passes every request to the random source and keeps what it handed out. */
    private static final class Recorder implements WeightSource {
        private final WeightSource inner;
        final Map<String, Tensor> tensors = new LinkedHashMap<>();

        Recorder(WeightSource inner) {
            this.inner = inner;
        }

        @Override
        public Tensor take(String timmKey, Shape shape, Init kind) {
            Tensor t = inner.take(timmKey, shape, kind);
            tensors.put(timmKey, t);
            return t;
        }

        @Override
        public void checkBuffer(String timmKey, Tensor computed) {
            inner.checkBuffer(timmKey, computed);
            tensors.put(timmKey, computed);
        }

        @Override
        public void finish() {
            inner.finish();
        }

        @Override
        public boolean isRandom() {
            return inner.isRandom();
        }
    }
}
