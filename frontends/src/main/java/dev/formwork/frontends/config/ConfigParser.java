package dev.formwork.frontends.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Reads a custom-model JSON config (timm's constructor argument names) into a {@link ModelConfig}.
 *
 * <p>Strict on purpose: an unknown or misspelt key is an error rather than silently ignored,
 * because a typo such as {@code "num_vits"} would otherwise build a different network with
 * plausible-looking output. Every error is one line: {@code file: key "k": problem}.
 */
public final class ConfigParser {
    /** The keys a config may hold, in documentation order. */
    public static final List<String> KEYS = List.of("family", "depths", "embed_dims", "num_vit", "num_classes",
            "image_size", "distillation", "mlp_ratios", "stem", "patch_size");

    /** Blocks per stage: the largest zoo model has 8; beyond this a config is a mistake or an attack. */
    static final int MAX_DEPTH = 1000;
    /** JSON nesting allowed: a config needs 3 levels; deeper is refused while parsing, without recursion. */
    static final int MAX_NESTING = 32;

    private static final ObjectMapper MAPPER = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
            .build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConfigParser() {}

    /** Parses a config file; errors name the path as given. */
    public static ModelConfig parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FormworkException(file + ": cannot read config (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        return parse(text, file.toString());
    }

    /** Parses config text; {@code where} names the source in error messages. */
    public static ModelConfig parse(String json, String where) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            String at = l == null ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
            throw new FormworkException(where + ": not valid JSON" + at + ": " + e.getOriginalMessage().replace('\n', ' '));
        }
        if (root == null || !root.isObject()) throw new FormworkException(where + ": expected a JSON object");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw new FormworkException(where + ": unknown key \"" + k + "\" (known: " + String.join(", ", KEYS) + ")");
        }
        JsonNode fam = require(root, "family", where);
        Family family = fam.isTextual() ? Family.fromJson(fam.asText()) : null;
        if (family == null) {
            throw ModelConfig.bad(where, "family", "expected \"efficientformer\" or \"efficientformerv2\", got " + fam);
        }
        int[] depths = intArray(require(root, "depths", where), "depths", where);
        for (int d : depths) {
            if (d > MAX_DEPTH) throw ModelConfig.bad(where, "depths", "at most " + MAX_DEPTH + " blocks per stage, got " + d);
        }
        int[] dims = intArray(require(root, "embed_dims", where), "embed_dims", where);
        int numVit = root.has("num_vit") ? integer(root.get("num_vit"), "num_vit", where) : 0;
        int numClasses = root.has("num_classes") ? integer(root.get("num_classes"), "num_classes", where) : 1000;
        int imageSize = root.has("image_size") ? integer(root.get("image_size"), "image_size", where) : 224;
        boolean distillation = true;
        if (root.has("distillation")) {
            JsonNode d = root.get("distillation");
            if (!d.isBoolean()) throw ModelConfig.bad(where, "distillation", "expected true or false, got " + d);
            distillation = d.asBoolean();
        }
        ModelConfig.Stem stem = ModelConfig.Stem.CONV;
        if (root.has("stem")) {
            JsonNode s = root.get("stem");
            String v = s.isTextual() ? s.asText() : "";
            if (v.equals("conv")) stem = ModelConfig.Stem.CONV;
            else if (v.equals("patch")) stem = ModelConfig.Stem.PATCH;
            else throw ModelConfig.bad(where, "stem", "expected \"conv\" or \"patch\", got " + s);
        }
        int patchSize = 0;
        if (root.has("patch_size")) {
            if (stem != ModelConfig.Stem.PATCH) throw ModelConfig.bad(where, "patch_size", "only applies with \"stem\": \"patch\"");
            patchSize = integer(root.get("patch_size"), "patch_size", where);
        } else if (stem == ModelConfig.Stem.PATCH) {
            patchSize = 4;
        }
        double[][] ratios = mlpRatios(root.get("mlp_ratios"), family, depths, where);
        return ModelConfig.create(where, family, depths, dims, numVit, numClasses, imageSize, distillation, ratios, stem, patchSize);
    }

    private static JsonNode require(JsonNode root, String key, String where) {
        JsonNode n = root.get(key);
        if (n == null || n.isNull()) throw ModelConfig.bad(where, key, "missing (required)");
        return n;
    }

    private static int integer(JsonNode n, String key, String where) {
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw ModelConfig.bad(where, key, "expected an integer, got " + n);
        return n.intValue();
    }

    private static int[] intArray(JsonNode n, String key, String where) {
        if (!n.isArray()) throw ModelConfig.bad(where, key, "expected 4 integers, got " + describe(n));
        if (n.size() != 4) throw ModelConfig.bad(where, key, "expected 4 integers, got " + n.size());
        int[] r = new int[4];
        for (int i = 0; i < 4; i++) {
            JsonNode e = n.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt()) throw ModelConfig.bad(where, key, "expected 4 integers, entry " + i + " is " + e);
            r[i] = e.intValue();
        }
        return r;
    }

    private static String describe(JsonNode n) {
        return n.isTextual() ? "a string" : n.isNumber() ? "a number" : n.isObject() ? "an object" : n.isBoolean() ? "a boolean" : n.toString();
    }

    private static double number(JsonNode n, String where) {
        if (!n.isNumber()) throw ModelConfig.bad(where, "mlp_ratios", "expected a number, got " + n);
        return n.doubleValue();
    }

    /**
     * V1: one number for the whole network (default 4). V2: one number for everything, or 4
     * entries that are each a number (whole stage) or a list with one number per block. A V2
     * config without the key whose depths are a zoo variant's gets that variant's per-block
     * ratios (a config that spells out S0's shape is S0); other depths default to 4, as in timm.
     */
    static double[][] mlpRatios(JsonNode n, Family family, int[] depths, String where) {
        double[][] r = new double[4][];
        if (n == null || n.isNull()) {
            if (family == Family.V2) {
                double[][] zoo = Zoo.defaultV2Ratios(depths);
                if (zoo != null) return zoo;
            }
            for (int i = 0; i < 4; i++) r[i] = filled(Math.max(depths[i], 0), 4);
            return r;
        }
        if (n.isNumber()) {
            for (int i = 0; i < 4; i++) r[i] = filled(Math.max(depths[i], 0), n.doubleValue());
            return r;
        }
        if (family == Family.V1) throw ModelConfig.bad(where, "mlp_ratios", "EfficientFormer takes one number, got " + describe(n));
        if (!n.isArray() || n.size() != 4) {
            throw ModelConfig.bad(where, "mlp_ratios", "expected a number or 4 entries (number or per-block list), got "
                    + (n.isArray() ? n.size() + " entries" : describe(n)));
        }
        for (int i = 0; i < 4; i++) {
            JsonNode s = n.get(i);
            if (s.isNumber()) {
                r[i] = filled(Math.max(depths[i], 0), s.doubleValue());
            } else if (s.isArray()) {
                if (s.size() != depths[i]) {
                    throw ModelConfig.bad(where, "mlp_ratios", "stage " + i + " has " + depths[i] + " blocks, got " + s.size() + " ratios");
                }
                r[i] = new double[s.size()];
                for (int j = 0; j < s.size(); j++) r[i][j] = number(s.get(j), where);
            } else {
                throw ModelConfig.bad(where, "mlp_ratios", "stage " + i + ": expected a number or a list, got " + s);
            }
        }
        return r;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }
}
