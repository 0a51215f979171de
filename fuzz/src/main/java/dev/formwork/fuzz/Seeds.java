package dev.formwork.fuzz;

import dev.formwork.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Valid seed files, built by Formwork itself so that no binary seed has to be committed. */
public final class Seeds {
    /** A V1 network small enough that its artifacts are a few tens of KB. */
    public static final String TINY_V1 = "{\"family\": \"efficientformer\", \"depths\": [1, 1, 1, 1], \"embed_dims\": [8, 8, 8, 8],"
            + " \"num_vit\": 1, \"num_classes\": 5, \"image_size\": 32, \"distillation\": true}";
    public static final String TINY_V2 = "{\"family\": \"efficientformerv2\", \"depths\": [1, 1, 2, 2], \"embed_dims\": [8, 8, 16, 16],"
            + " \"num_vit\": 1, \"num_classes\": 3, \"image_size\": 32, \"mlp_ratios\": [4, 4, [4, 3], [4, 2]]}";

    private Seeds() {}

    /** Converts the tiny V1 network to every target once per scratch folder and returns that folder. */
    public static synchronized Path artifacts(Path work) throws IOException {
        Path out = work.resolve("artifacts");
        if (Files.isDirectory(out)) return out;
        Path config = Files.createDirectories(work.resolve("config")).resolve("tiny.json");
        Files.writeString(config, TINY_V1, StandardCharsets.UTF_8);
        Path staging = work.resolve("artifacts-staging");
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"convert", config.toString(), "--target", "onnx,tflite,coreml,coreml-nn", "--out", staging.toString()},
                new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
        if (code != 0) throw new IOException("converting the seed model failed (" + code + "): " + err);
        Files.move(staging, out);
        return out;
    }

    /** The files in {@code dir} whose names end with {@code suffix}. */
    public static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    /** {@code testdata/} of the source tree when the run starts inside it, else null. */
    public static Path testdata() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("testdata").resolve("onnx-node"))) return p.resolve("testdata");
        }
        return null;
    }

    public static List<byte[]> read(List<Path> files) throws IOException {
        List<byte[]> r = new ArrayList<>();
        for (Path f : files) r.add(Files.readAllBytes(f));
        return r;
    }

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
