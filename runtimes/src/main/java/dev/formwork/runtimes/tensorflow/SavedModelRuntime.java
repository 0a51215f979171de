package dev.formwork.runtimes.tensorflow;

import dev.formwork.ir.FormworkException;
import dev.formwork.runtimes.ArtifactRuntime;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Runs {@code .savedmodel} folders on TensorFlow Java (the TensorFlow 2.18 C runtime):
 * {@code SavedModelBundle.load(dir, "serve")} and its {@code serving_default} function.
 *
 * <p>TensorFlow Java is an optional dependency of this module: this class names none of its
 * types, so the runtime table loads without it, and its natives are loaded only when a SavedModel
 * is opened, from the class path or from jars of its own ({@link TensorFlowJava}). Without
 * either, opening one is a one-line error saying how to get them.
 * {@link RunOptions#threads()} sets the intra-op thread count (0: TensorFlow's default, one per core).
 */
public final class SavedModelRuntime implements ArtifactRuntime {
    @Override
    public String name() {
        return "tensorflow";
    }

    @Override
    public boolean accepts(Path artifact) {
        return artifact.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".savedmodel");
    }

    @Override
    public Session open(Path artifact, RunOptions options) {
        if (!Files.isRegularFile(artifact.resolve("saved_model.pb"))) throw new FormworkException(artifact + ": no saved_model.pb (not a SavedModel folder)");
        try {
            return TensorFlowJava.open(artifact, options);
        } catch (NoClassDefFoundError e) {
            throw new FormworkException(artifact + ": running a SavedModel needs TensorFlow Java on the class path "
                    + "(org.tensorflow:tensorflow-core-api and tensorflow-core-native, classifier linux-x86_64)");
        }
    }
}
