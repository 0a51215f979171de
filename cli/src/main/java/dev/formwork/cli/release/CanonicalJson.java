package dev.formwork.cli.release;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The one JSON form of manifests, job results and job-id inputs: object keys sorted, two-space
 * indent, a final newline. Arrays keep the order the caller gives them (artifacts are sorted by
 * job before they get here), so equal content is equal bytes.
 */
final class CanonicalJson {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private CanonicalJson() {}

    static byte[] bytes(Object value) {
        try {
            return (MAPPER.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path file, String what) {
        if (!Files.isRegularFile(file)) throw new FormworkException(file + ": " + what + " not found");
        try {
            Object o = MAPPER.readValue(file.toFile(), Object.class);
            if (!(o instanceof Map)) throw new FormworkException(file + ": " + what + " is not a JSON object");
            return (Map<String, Object>) o;
        } catch (IOException e) {
            throw new FormworkException(file + ": " + what + " is not valid JSON (" + ReleaseFile.firstLine(e.getMessage()) + ")");
        }
    }
}
