package dev.formwork.exporters.coreml.mil;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The {@code .mlpackage} folder: {@code Manifest.json}, {@code Data/com.apple.CoreML/model.mlmodel}
 * and {@code Data/com.apple.CoreML/weights/weight.bin}.
 *
 * <p>Reproducible by construction: the model is serialised deterministically (map entries
 * sorted), and the manifest's item identifiers are name-based UUIDs (version 8, from SHA-256 of
 * the item's bytes and its path) rather than random ones, so equal inputs give equal bytes.
 */
public final class MlPackage {
    public static final String AUTHOR = "com.apple.CoreML";
    public static final String MODEL_PATH = AUTHOR + "/model.mlmodel";
    public static final String WEIGHTS_PATH = AUTHOR + "/weights";

    private MlPackage() {}

    /** Deterministic protobuf bytes (sorted map keys). */
    public static byte[] serialize(MessageLite m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(m.getSerializedSize());
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.useDeterministicSerialization();
        m.writeTo(out);
        out.flush();
        return bytes.toByteArray();
    }

    public static void write(Path dir, MilProgramWriter.Result r) throws IOException {
        Path data = dir.resolve("Data").resolve(AUTHOR);
        Files.createDirectories(data.resolve("weights"));
        byte[] model = serialize(r.model());
        Files.write(data.resolve("model.mlmodel"), model);
        MessageDigest weights = sha256();
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(data.resolve("weights").resolve("weight.bin")), 1 << 16), weights)) {
            r.blobs().writeTo(out);
        }
        String modelId = uuid(sha256().digest(model), MODEL_PATH);
        String weightsId = uuid(weights.digest(), WEIGHTS_PATH);
        Files.writeString(dir.resolve("Manifest.json"), manifest(modelId, weightsId), StandardCharsets.UTF_8);
    }

    /** Manifest.json with a fixed key order and layout. */
    static String manifest(String modelId, String weightsId) {
        return "{\n"
                + "    \"fileFormatVersion\": \"1.0.0\",\n"
                + "    \"itemInfoEntries\": {\n"
                + item(modelId, "CoreML Model Specification", "model.mlmodel", MODEL_PATH) + ",\n"
                + item(weightsId, "CoreML Model Weights", "weights", WEIGHTS_PATH) + "\n"
                + "    },\n"
                + "    \"rootModelIdentifier\": \"" + modelId + "\"\n"
                + "}\n";
    }

    private static String item(String id, String description, String name, String path) {
        return "        \"" + id + "\": {\n"
                + "            \"author\": \"" + AUTHOR + "\",\n"
                + "            \"description\": \"" + description + "\",\n"
                + "            \"name\": \"" + name + "\",\n"
                + "            \"path\": \"" + path + "\"\n"
                + "        }";
    }

    /** RFC 9562 version-8 UUID from SHA-256(content digest, 0, item path), upper case like Core ML's. */
    static String uuid(byte[] contentDigest, String path) {
        MessageDigest md = sha256();
        md.update(contentDigest);
        md.update((byte) 0);
        md.update(path.getBytes(StandardCharsets.UTF_8));
        byte[] h = md.digest();
        h[6] = (byte) ((h[6] & 0x0f) | 0x80);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        StringBuilder b = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) b.append('-');
            b.append(String.format("%02X", h[i] & 0xff));
        }
        return b.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
