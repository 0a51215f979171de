package dev.formwork.exporters.coreml.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code Manifest.json} of an {@code .mlpackage}, checked the way the model-package reader
 * checks it (apple/coremltools {@code modelpackage/src/ModelPackage.cpp}): {@code fileFormatVersion}
 * is {@code major.minor.patch} and not newer than 1.0.0; every item of {@code itemInfoEntries} has
 * {@code path}, {@code name}, {@code author} and {@code description}, and its {@code path}
 * (relative to {@code Data/}) exists; {@code rootModelIdentifier} names an item.
 *
 * <p>Reading never throws for a malformed manifest: the problems are collected in
 * {@link #problems()}, and {@link #rootModelPath()} is null when no root model can be found.
 */
public final class PackageManifest {
    private final Path packageDir;
    private final List<String> problems = new ArrayList<>();
    private Path rootModelPath;

    private PackageManifest(Path packageDir) {
        this.packageDir = packageDir;
    }

    public static PackageManifest read(Path packageDir) {
        PackageManifest m = new PackageManifest(packageDir);
        m.parse();
        return m;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** The root model file ({@code Data/<path of the root item>}), or null. */
    public Path rootModelPath() {
        return rootModelPath;
    }

    private void parse() {
        Path manifest = packageDir.resolve("Manifest.json");
        if (!Files.isRegularFile(manifest)) {
            problems.add("Manifest.json is missing");
            return;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(manifest));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            problems.add("Manifest.json is not valid JSON: " + FormworkException.shown(e.getOriginalMessage()));
            return;
        } catch (IOException e) {
            problems.add("Manifest.json is not valid JSON: " + oneLine(e.getMessage()));
            return;
        }
        if (root == null || !root.isObject()) {
            problems.add("Manifest.json is not a JSON object");
            return;
        }
        checkVersion(root.get("fileFormatVersion"));
        JsonNode items = root.get("itemInfoEntries");
        Path data = packageDir.resolve("Data");
        if (items == null || !items.isObject()) {
            problems.add("Manifest.json has no itemInfoEntries object");
        } else {
            for (Iterator<Map.Entry<String, JsonNode>> it = items.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode item = e.getValue();
                boolean complete = item.isObject();
                for (String key : new String[] {"path", "name", "author", "description"}) {
                    if (complete && (item.get(key) == null || !item.get(key).isTextual())) complete = false;
                }
                if (!complete) {
                    problems.add("Manifest.json item '" + e.getKey() + "' lacks one of path, name, author, description");
                    continue;
                }
                Path itemPath = contained(data, item.get("path").asText());
                if (itemPath == null) {
                    problems.add("Manifest.json item '" + FormworkException.shown(e.getKey()) + "' path '"
                            + FormworkException.shown(item.get("path").asText()) + "' leaves the package's Data folder");
                } else if (!Files.exists(itemPath)) {
                    problems.add("Manifest.json item '" + e.getKey() + "' path Data/" + item.get("path").asText() + " does not exist");
                }
            }
        }
        JsonNode rootId = root.get("rootModelIdentifier");
        if (rootId == null || !rootId.isTextual()) {
            problems.add("Manifest.json has no rootModelIdentifier");
            return;
        }
        JsonNode rootItem = items == null ? null : items.get(rootId.asText());
        if (rootItem == null || rootItem.get("path") == null) {
            problems.add("Manifest.json rootModelIdentifier '" + rootId.asText() + "' names no item");
            return;
        }
        Path p = contained(data, rootItem.get("path").asText());
        if (p != null && Files.isRegularFile(p)) rootModelPath = p;
        else problems.add("root model Data/" + rootItem.get("path").asText() + " is not a file");
    }

    private void checkVersion(JsonNode v) {
        if (v == null || !v.isTextual()) {
            problems.add("Manifest.json has no fileFormatVersion string");
            return;
        }
        String[] parts = v.asText().split("\\.", -1);
        if (parts.length != 3) {
            problems.add("Manifest.json fileFormatVersion '" + v.asText() + "' is not major.minor.patch");
            return;
        }
        int[] n = new int[3];
        try {
            for (int i = 0; i < 3; i++) n[i] = Integer.parseInt(parts[i]);
        } catch (NumberFormatException e) {
            problems.add("Manifest.json fileFormatVersion '" + v.asText() + "' is not numeric");
            return;
        }
        if (n[0] < 0 || n[1] < 0 || n[2] < 0) {
            problems.add("Manifest.json fileFormatVersion '" + v.asText() + "' has negative numbers");
        } else if (n[0] > 1 || (n[0] == 1 && (n[1] > 0 || n[2] > 0))) {
            problems.add("Manifest.json fileFormatVersion '" + v.asText() + "' is newer than 1.0.0");
        }
    }

    /** The item path inside Data/, or null when it is absolute, climbs out or is not a path. */
    private static Path contained(Path data, String path) {
        try {
            return dev.formwork.exporters.ContainedPath.resolve(data, path, "item");
        } catch (FormworkException e) {
            return null;
        }
    }

    static String oneLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
