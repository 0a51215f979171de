package dev.formwork.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON output with a stable field order (LinkedHashMaps, no hash order). */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** A named tensor in a weights file listing. */
    record Entry(String key, String dtype, Shape shape) {}

    private Json() {}

    static Map<String, Object> obj() {
        return new LinkedHashMap<>();
    }

    static String write(Object o) {
        try {
            return MAPPER.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, Object> io(String name, Shape shape, String dtype) {
        Map<String, Object> m = obj();
        m.put("name", name);
        m.put("shape", shape.toArray());
        m.put("dtype", dtype);
        return m;
    }

    static List<Map<String, Object>> ios(List<Value> values) {
        List<Map<String, Object>> l = new ArrayList<>();
        for (Value v : values) l.add(io(v.name(), v.shape(), v.dtype().label()));
        return l;
    }
}
