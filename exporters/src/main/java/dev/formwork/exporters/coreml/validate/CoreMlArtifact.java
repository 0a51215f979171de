package dev.formwork.exporters.coreml.validate;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.formwork.ir.FormworkException;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A Core ML file opened for reading: an {@code .mlmodel} (the raw serialized
 * {@code CoreML.Specification.Model}, no header) or an {@code .mlpackage} directory
 * ({@code Manifest.json} -> root model item -> {@code Data/<path>}, weights beside it).
 *
 * <p>Blob file names in a program are {@code @model_path/...}; {@code @model_path} is the folder
 * that holds the model file ({@code Data/com.apple.CoreML/} in a package), so
 * {@code @model_path/weights/weight.bin} is {@code Data/com.apple.CoreML/weights/weight.bin}.
 */
public final class CoreMlArtifact {
    public static final String MODEL_PATH_PREFIX = "@model_path/";

    private final Path source;
    private final Path modelFile;
    private final Model model;
    private final PackageManifest manifest;
    private final Map<String, MilBlobFile> blobs = new HashMap<>();

    private CoreMlArtifact(Path source, Path modelFile, Model model, PackageManifest manifest) {
        this.source = source;
        this.modelFile = modelFile;
        this.model = model;
        this.manifest = manifest;
    }

    /** Whether the path names a Core ML artifact by its extension. */
    public static boolean accepts(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase();
        return n.endsWith(".mlpackage") || n.endsWith(".mlmodel");
    }

    /** Opens the artifact; anything malformed raises a one-line FormworkException naming the file. */
    public static CoreMlArtifact load(Path artifact) {
        if (Files.isDirectory(artifact)) {
            PackageManifest m = PackageManifest.read(artifact);
            List<String> problems = m.problems();
            if (m.rootModelPath() == null) {
                throw new FormworkException(artifact + ": not a readable .mlpackage: "
                        + (problems.isEmpty() ? "no root model" : problems.get(0)));
            }
            return new CoreMlArtifact(artifact, m.rootModelPath(), parse(m.rootModelPath()), m);
        }
        if (!Files.isRegularFile(artifact)) throw new FormworkException(artifact + ": no such Core ML file");
        return new CoreMlArtifact(artifact, artifact, parse(artifact), null);
    }

    static Model parse(Path file) {
        byte[] bytes;
        try {
            if (Files.size(file) > Integer.MAX_VALUE - 8) throw new FormworkException(file + ": larger than 2 GB, not a Core ML model spec");
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new FormworkException(file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return Model.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new FormworkException(file + ": not a Core ML model (protobuf parse failed: "
                    + PackageManifest.oneLine(e.getMessage()) + ")", e);
        }
    }

    /** The path given to {@link #load}. */
    public Path source() {
        return source;
    }

    public Path modelFile() {
        return modelFile;
    }

    public Model model() {
        return model;
    }

    public boolean isPackage() {
        return manifest != null;
    }

    /** The manifest of a package, null for an {@code .mlmodel}. */
    public PackageManifest manifest() {
        return manifest;
    }

    /** Resolves a program file name ({@code @model_path/weights/weight.bin}) to a path. */
    public Path resolve(String fileName) {
        if (!fileName.startsWith(MODEL_PATH_PREFIX)) {
            throw new FormworkException(source + ": blob file name '" + fileName + "' does not start with " + MODEL_PATH_PREFIX);
        }
        Path dir = modelFile.toAbsolutePath().getParent();
        return dev.formwork.exporters.ContainedPath.resolve(dir, fileName.substring(MODEL_PATH_PREFIX.length()),
                source + ": blob file " + FormworkException.shown(fileName));
    }

    /** The blob file a program names, opened once and cached. */
    public synchronized MilBlobFile blobFile(String fileName) {
        MilBlobFile f = blobs.get(fileName);
        if (f == null) {
            Path p = resolve(fileName);
            if (!Files.isRegularFile(p)) {
                throw new FormworkException(source + ": weight file " + fileName + " (" + p + ") does not exist");
            }
            f = MilBlobFile.open(p);
            blobs.put(fileName, f);
        }
        return f;
    }
}
