package dev.formwork.frontends;

/** The golden tiny architectures as config text. */
final class ConfigParserTestData {
    static final String TINY_V1 = "{\"family\": \"efficientformer\", \"depths\": [1, 1, 2, 2], \"embed_dims\": [16, 32, 48, 64], "
            + "\"num_vit\": 1, \"num_classes\": 10, \"image_size\": 64, \"distillation\": true}";
    static final String TINY_V2 = "{\"family\": \"efficientformerv2\", \"depths\": [1, 1, 2, 2], \"embed_dims\": [16, 24, 32, 48], "
            + "\"mlp_ratios\": [4, 4, [4, 3], [3, 4]], \"num_vit\": 1, \"num_classes\": 10, \"image_size\": 64, \"distillation\": true}";

    private ConfigParserTestData() {}
}
