package dev.formwork.runtimes.tflite;

import dev.formwork.ir.FormworkException;
import dev.formwork.runtimes.ArtifactRuntime;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * Runs {@code .tflite} files on the TensorFlow Lite interpreter (C++ runtime 2.21 through
 * JavaCPP). The file is read into native memory and loaded through the flatbuffer verifier
 * ({@code VerifyAndBuildFromBuffer}), so a malformed file is refused rather than crashing.
 * XNNPACK, TFLite's default CPU delegate, is on unless {@link RunOptions#xnnpack()} is false, in
 * which case {@code BuiltinOpResolverWithoutDefaultDelegates} keeps the builtin kernels;
 * {@link RunOptions#threads()} sets the interpreter's (and XNNPACK's) thread count, 0 meaning
 * TFLite's default.
 */
public final class TfliteRuntimeAdapter implements ArtifactRuntime {
    @Override
    public String name() {
        return "tflite";
    }

    @Override
    public boolean accepts(Path artifact) {
        return artifact.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".tflite");
    }

    @Override
    public Session open(Path artifact, RunOptions options) {
        if (!Files.isRegularFile(artifact)) throw new FormworkException(artifact + ": no such TFLite file");
        ByteBuffer bytes;
        try (FileChannel ch = FileChannel.open(artifact, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) throw new FormworkException(artifact + ": larger than 2 GB");
            bytes = ByteBuffer.allocateDirect((int) size);
            while (bytes.hasRemaining() && ch.read(bytes) >= 0) {
                // read fully
            }
            bytes.flip();
        } catch (IOException e) {
            throw new FormworkException(artifact + ": cannot read: " + e.getMessage(), e);
        }
        return TfliteSession.open(artifact, bytes, options);
    }
}
