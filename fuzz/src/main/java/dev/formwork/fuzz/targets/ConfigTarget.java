package dev.formwork.fuzz.targets;

import dev.formwork.frontends.config.ConfigParser;
import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** JSON model configs: parsing, the strict integer and key rules, and the up-front size checks. */
public final class ConfigTarget implements FuzzTarget {
    @Override
    public String name() {
        return "config";
    }

    @Override
    public List<byte[]> seeds(Path work) {
        return List.of(Seeds.ascii(Seeds.TINY_V1), Seeds.ascii(Seeds.TINY_V2),
                Seeds.ascii("{\"family\": \"efficientformer\", \"depths\": [3, 2, 6, 4], \"embed_dims\": [48, 96, 224, 448],"
                        + " \"stem\": \"patch\", \"patch_size\": 4, \"num_vit\": 1, \"mlp_ratios\": 4.0}"));
    }

    @Override
    public List<byte[]> tokens() {
        return List.of(Seeds.ascii("1e400"), Seeds.ascii("99999999999999999999"), Seeds.ascii("\"ten\""), Seeds.ascii("2147483647"),
                Seeds.ascii("65536"), Seeds.ascii("[".repeat(100_000)), Seeds.ascii("{\"a\":".repeat(50_000)),
                Seeds.ascii("\"image_size\": 100000,"), Seeds.ascii("\"embed_dims\": [100000, 100000, 100000, 100000],"),
                Seeds.ascii("\"depths\": [1000000, 1, 1, 1],"), Seeds.ascii("\"mlp_ratios\": 1e300,"), Seeds.ascii("\"num_classes\": 0,"));
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        return Files.write(dir.resolve("model.json"), input);
    }

    @Override
    public void read(Path file) {
        ConfigParser.parse(file);
    }
}
