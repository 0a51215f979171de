package dev.formwork.runtimes.coreml;

import dev.formwork.exporters.coreml.validate.CoreMlArtifact;
import dev.formwork.runtimes.ArtifactRuntime;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import java.nio.file.Path;

/**
 * Formwork's own Core ML executor: runs {@code .mlpackage} ML Programs and {@code .mlmodel}
 * NeuralNetworks on any platform, with semantics written from the Core ML specification
 * (coremltools' proto comments and MIL op definitions), not from Formwork's writer.
 * {@link RunOptions#fp16Compute()} selects half-precision intermediates (see {@link CoreMlSession}).
 */
public final class CoreMlRuntime implements ArtifactRuntime {
    @Override
    public String name() {
        return "coreml-executor";
    }

    @Override
    public boolean accepts(Path artifact) {
        return CoreMlArtifact.accepts(artifact);
    }

    @Override
    public Session open(Path artifact, RunOptions options) {
        return new CoreMlSession(CoreMlArtifact.load(artifact), options.fp16Compute());
    }
}
