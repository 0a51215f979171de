package dev.formwork.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One stored regression golden ({@code regression/<model>.json}): a zoo model with random
 * weights from {@code weightsSeed}, fed {@link SeededInput#gaussian}({@code inputSeed},
 * {@code inputShape}), and the logits the reference interpreter computed, with the tolerance
 * artifacts must meet: |actual - logits| <= rel * max|logits| + abs (the fp32 rule).
 */
public record RegressionGolden(String model, long weightsSeed, long inputSeed, int[] inputShape, float[] logits,
                               double rel, double abs, String recordedWith) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public NdArray input() {
        return SeededInput.gaussian(inputShape, inputSeed);
    }

    public NdArray expected() {
        return NdArray.of(new int[] {inputShape[0], logits.length / inputShape[0]}, logits);
    }

    public void write(Path file) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", model);
        o.put("weights_seed", weightsSeed);
        o.put("input_seed", inputSeed);
        ArrayNode shape = o.putArray("input_shape");
        for (int d : inputShape) shape.add(d);
        o.put("tolerance_rel", rel);
        o.put("tolerance_abs", abs);
        o.put("recorded_with", recordedWith);
        ArrayNode l = o.putArray("logits");
        for (float v : logits) l.add(v);
        Files.writeString(file, JSON.writeValueAsString(o) + "\n");
    }

    public static RegressionGolden read(InputStream in) throws IOException {
        JsonNode o = JSON.readTree(in);
        int[] shape = new int[o.get("input_shape").size()];
        for (int i = 0; i < shape.length; i++) shape[i] = o.get("input_shape").get(i).asInt();
        float[] logits = new float[o.get("logits").size()];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) o.get("logits").get(i).asDouble();
        return new RegressionGolden(o.get("model").asText(), o.get("weights_seed").asLong(), o.get("input_seed").asLong(), shape,
                logits, o.get("tolerance_rel").asDouble(), o.get("tolerance_abs").asDouble(), o.get("recorded_with").asText());
    }
}
