package dev.formwork.runtimes.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.formwork.ir.FormworkException;
import dev.formwork.runtimes.ArtifactRuntime;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Runs {@code .onnx} files on ONNX Runtime's CPU execution provider through its Java API.
 * {@link RunOptions#threads()} sets the intra-op thread count (0 keeps ORT's default, one per
 * core); graph optimisations stay at ORT's default (all), as a deployment would run them.
 */
public final class OnnxRuntimeAdapter implements ArtifactRuntime {
    @Override
    public String name() {
        return "onnxruntime";
    }

    @Override
    public boolean accepts(Path artifact) {
        return artifact.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    @Override
    public Session open(Path artifact, RunOptions options) {
        if (!Files.isRegularFile(artifact)) throw new FormworkException(artifact + ": no such ONNX file");
        // ONNX Runtime trusts the file: undefined values, cycles or an external-data location
        // outside the model's folder must be refused before it opens anything.
        dev.formwork.exporters.onnx.OnnxReader.validate(artifact);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            if (options.threads() > 0) so.setIntraOpNumThreads(options.threads());
            return new OrtSessionAdapter(artifact, env, env.createSession(artifact.toString(), so), so);
        } catch (OrtException e) {
            so.close();
            throw new FormworkException(artifact + ": ONNX Runtime cannot load it: " + oneLine(e.getMessage()), e);
        }
    }

    static String oneLine(String s) {
        return s == null ? "unknown error" : s.replace('\n', ' ').trim();
    }
}
