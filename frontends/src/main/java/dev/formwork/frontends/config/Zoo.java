package dev.formwork.frontends.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seven released architectures, exactly as timm registers them (widths, depths, num_vit and
 * V2's per-block MLP ratios from spec section 1 and 2): 224x224 input, 1000 classes, with the
 * distillation head.
 */
public final class Zoo {
    private static final Map<String, ModelConfig> MODELS = new LinkedHashMap<>();

    // V2 per-block MLP ratios (stage 1 | 2 | 3 | 4), timm's EfficientFormer_expansion_ratios.
    private static final double[][] S0_RATIOS = {r(4, 2), r(4, 2), {4, 3, 3, 3, 4, 4}, {4, 3, 3, 4}};
    private static final double[][] S1_RATIOS = {r(4, 3), r(4, 3), {4, 4, 3, 3, 3, 3, 4, 4, 4}, {4, 4, 3, 3, 4, 4}};
    private static final double[][] S2_RATIOS = {r(4, 4), r(4, 4), {4, 4, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4}, {4, 4, 3, 3, 3, 3, 4, 4}};
    private static final double[][] L_RATIOS = {r(4, 5), r(4, 5), {4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 4},
        {4, 4, 4, 3, 3, 3, 3, 4, 4, 4}};

    static {
        v1("efficientformer-l1", new int[] {3, 2, 6, 4}, new int[] {48, 96, 224, 448}, 1);
        v1("efficientformer-l3", new int[] {4, 4, 12, 6}, new int[] {64, 128, 320, 512}, 4);
        v1("efficientformer-l7", new int[] {6, 6, 18, 8}, new int[] {96, 192, 384, 768}, 8);
        v2("efficientformerv2-s0", new int[] {2, 2, 6, 4}, new int[] {32, 48, 96, 176}, 2, S0_RATIOS);
        v2("efficientformerv2-s1", new int[] {3, 3, 9, 6}, new int[] {32, 48, 120, 224}, 2, S1_RATIOS);
        v2("efficientformerv2-s2", new int[] {4, 4, 12, 8}, new int[] {32, 64, 144, 288}, 4, S2_RATIOS);
        v2("efficientformerv2-l", new int[] {5, 5, 15, 10}, new int[] {40, 80, 192, 384}, 6, L_RATIOS);
    }

    private Zoo() {}

    private static double[] r(double v, int n) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    private static void v1(String name, int[] depths, int[] dims, int numVit) {
        double[][] ratios = new double[4][];
        for (int i = 0; i < 4; i++) ratios[i] = r(4, depths[i]);
        MODELS.put(name, ModelConfig.create(name, Family.V1, depths, dims, numVit, 1000, 224, true, ratios,
                ModelConfig.Stem.CONV, 0));
    }

    private static void v2(String name, int[] depths, int[] dims, int numVit, double[][] ratios) {
        MODELS.put(name, ModelConfig.create(name, Family.V2, depths, dims, numVit, 1000, 224, true, ratios,
                ModelConfig.Stem.CONV, 0));
    }

    /** The zoo names in a fixed order: V1 L1, L3, L7, then V2 S0, S1, S2, L. */
    public static List<String> names() {
        return List.copyOf(MODELS.keySet());
    }

    public static boolean has(String name) {
        return MODELS.containsKey(name);
    }

    /** The architecture of a zoo model, or null. */
    public static ModelConfig get(String name) {
        return MODELS.get(name);
    }

    /**
     * The per-block ratios of the V2 zoo variant with these depths, or null: a custom config that
     * reproduces a variant's depths without {@code mlp_ratios} means that variant.
     */
    static double[][] defaultV2Ratios(int[] depths) {
        for (ModelConfig c : MODELS.values()) {
            if (c.family() == Family.V2 && Arrays.equals(c.depths(), depths)) return c.mlpRatios();
        }
        return null;
    }
}
