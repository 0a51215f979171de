package dev.formwork.frontends.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.formwork.ir.FormworkException;
import java.util.Arrays;

/**
 * The architecture of one EfficientFormer (V1) or EfficientFormerV2 network, in timm's
 * constructor vocabulary. Immutable; {@link #withImageSize} returns a copy.
 *
 * <p>Every instance is validated on construction, so builders can trust it: four stages, positive
 * widths and depths, a {@code num_vit} that fits the stages that hold attention blocks, and one
 * MLP ratio per block. Errors name the source (a file path or a zoo name) and the key, on one line.
 */
public final class ModelConfig {
    /** How the network turns the image into the stride-4 feature map. */
    public enum Stem {
        /** The real networks: two 3x3 stride-2 convolutions with BatchNorm and activation. */
        CONV("conv"),
        /**
         * One p x p stride-p convolution + BatchNorm + activation ({@code stem.conv}/{@code stem.norm}).
         * Not a released architecture: it exists so a patch-stem rewrite pass can be tested on
         * random weights.
         */
        PATCH("patch");

        private final String jsonName;

        Stem(String jsonName) {
            this.jsonName = jsonName;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Family family;
    private final int[] depths;
    private final int[] embedDims;
    private final int numVit;
    private final int numClasses;
    private final int imageSize;
    private final boolean distillation;
    private final double[][] mlpRatios;
    private final Stem stem;
    private final int patchSize;

    private ModelConfig(Family family, int[] depths, int[] embedDims, int numVit, int numClasses, int imageSize,
            boolean distillation, double[][] mlpRatios, Stem stem, int patchSize) {
        this.family = family;
        this.depths = depths.clone();
        this.embedDims = embedDims.clone();
        this.numVit = numVit;
        this.numClasses = numClasses;
        this.imageSize = imageSize;
        this.distillation = distillation;
        this.mlpRatios = new double[4][];
        for (int i = 0; i < 4; i++) this.mlpRatios[i] = mlpRatios[i].clone();
        this.stem = stem;
        this.patchSize = patchSize;
    }

    /**
     * Validates and creates a config. {@code mlpRatios} holds one ratio per block of each stage
     * (V1 uses the same number everywhere). {@code where} names the source in error messages.
     */
    public static ModelConfig create(String where, Family family, int[] depths, int[] embedDims, int numVit,
            int numClasses, int imageSize, boolean distillation, double[][] mlpRatios, Stem stem, int patchSize) {
        if (family == null) throw bad(where, "family", "missing");
        if (depths == null || depths.length != 4) throw bad(where, "depths", "expected 4 integers");
        if (embedDims == null || embedDims.length != 4) throw bad(where, "embed_dims", "expected 4 integers");
        for (int d : depths) if (d < 1) throw bad(where, "depths", "every stage needs at least 1 block, got " + Arrays.toString(depths));
        for (int c : embedDims) if (c < 1) throw bad(where, "embed_dims", "widths must be >= 1, got " + Arrays.toString(embedDims));
        // Stem4's first convolution has C0 // 2 channels (floored, as in timm).
        if (stem == Stem.CONV && embedDims[0] < 2) throw bad(where, "embed_dims", "the conv stem needs C0 >= 2, got " + embedDims[0]);
        if (family == Family.V1) {
            // timm's final LayerNorm runs over the last axis of the stage-4 output; without a
            // Meta3D block that output is still NCHW and the norm would run over W.
            if (numVit < 1 || numVit > depths[3]) {
                throw bad(where, "num_vit", "EfficientFormer needs 1.." + depths[3] + " attention blocks in the last stage, got " + numVit);
            }
        } else if (numVit < 0 || numVit > Math.min(depths[2], depths[3])) {
            throw bad(where, "num_vit", "EfficientFormerV2 puts num_vit attention blocks at the end of stages 3 and 4, so it must be 0.."
                    + Math.min(depths[2], depths[3]) + ", got " + numVit);
        }
        if (numClasses < 1) throw bad(where, "num_classes", "must be >= 1, got " + numClasses);
        // Five stride-2 stages: below 32 pixels the last stage would have no tokens at all.
        if (imageSize < 32) throw bad(where, "image_size", "must be >= 32 (the network downsamples by 32), got " + imageSize);
        if (mlpRatios == null || mlpRatios.length != 4) throw bad(where, "mlp_ratios", "expected 4 stages");
        for (int i = 0; i < 4; i++) {
            if (mlpRatios[i] == null || mlpRatios[i].length != depths[i]) {
                throw bad(where, "mlp_ratios", "stage " + i + " has " + depths[i] + " blocks, got "
                        + (mlpRatios[i] == null ? 0 : mlpRatios[i].length) + " ratios");
            }
            for (double r : mlpRatios[i]) {
                if (!(r > 0) || !Double.isFinite(r) || (int) (embedDims[i] * r) < 1) throw bad(where, "mlp_ratios", "ratios must give a hidden width >= 1, got " + r);
            }
        }
        ModelBudget.check(where, family, depths, embedDims, numVit, numClasses, imageSize, mlpRatios);
        if (stem == null) throw bad(where, "stem", "missing");
        if (stem == Stem.PATCH && patchSize < 1) throw bad(where, "patch_size", "must be >= 1, got " + patchSize);
        if (stem == Stem.CONV && patchSize != 0) throw bad(where, "patch_size", "only applies with \"stem\": \"patch\"");
        return new ModelConfig(family, depths, embedDims, numVit, numClasses, imageSize, distillation, mlpRatios, stem, patchSize);
    }

    /** The one-line config error: {@code where: key "k": problem}. */
    public static FormworkException bad(String where, String key, String problem) {
        return new FormworkException(where + ": key \"" + key + "\": " + problem);
    }

    public Family family() {
        return family;
    }

    public int[] depths() {
        return depths.clone();
    }

    public int depth(int stage) {
        return depths[stage];
    }

    public int[] embedDims() {
        return embedDims.clone();
    }

    public int embedDim(int stage) {
        return embedDims[stage];
    }

    public int numVit() {
        return numVit;
    }

    public int numClasses() {
        return numClasses;
    }

    public int imageSize() {
        return imageSize;
    }

    public boolean distillation() {
        return distillation;
    }

    /** MLP expansion ratio of block {@code block} in stage {@code stage}. */
    public double mlpRatio(int stage, int block) {
        return mlpRatios[stage][block];
    }

    /** Hidden width of that block's MLP: {@code int(C * ratio)} as timm computes it. */
    public int mlpHidden(int stage, int block) {
        return (int) (embedDims[stage] * mlpRatios[stage][block]);
    }

    public double[][] mlpRatios() {
        double[][] r = new double[4][];
        for (int i = 0; i < 4; i++) r[i] = mlpRatios[i].clone();
        return r;
    }

    public Stem stem() {
        return stem;
    }

    /** Patch size of the patch stem; 0 with the conv stem. */
    public int patchSize() {
        return patchSize;
    }

    /**
     * Side of the attention grid of the last stage with the conv stem: ceil(image_size / 32)
     * (7 at 224, 2 at 64). Builders use the actual feature-map size, which equals this.
     */
    public int attentionResolution() {
        return ceilDiv(imageSize, 32);
    }

    /** Side of stage {@code i}'s feature map with the conv stem: ceil(image_size / 2^(i+2)). */
    public int stageResolution(int stage) {
        return ceilDiv(imageSize, 1 << (stage + 2));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** The same architecture for another input size (position grids follow the input). */
    public ModelConfig withImageSize(int size) {
        return create("image size override", family, depths, embedDims, numVit, numClasses, size, distillation, mlpRatios, stem, patchSize);
    }

    /** The config in the JSON format {@link ConfigParser} reads (V2 ratios as per-block lists). */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("family", family.jsonName());
        ArrayNode d = o.putArray("depths");
        for (int x : depths) d.add(x);
        ArrayNode e = o.putArray("embed_dims");
        for (int x : embedDims) e.add(x);
        o.put("num_vit", numVit);
        o.put("num_classes", numClasses);
        o.put("image_size", imageSize);
        o.put("distillation", distillation);
        if (family == Family.V1) {
            o.put("mlp_ratios", mlpRatios[0][0]);
        } else {
            ArrayNode r = o.putArray("mlp_ratios");
            for (double[] stage : mlpRatios) {
                ArrayNode s = r.addArray();
                for (double x : stage) s.add(x);
            }
        }
        if (stem == Stem.PATCH) {
            o.put("stem", stem.jsonName());
            o.put("patch_size", patchSize);
        }
        return o.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig c && family == c.family && Arrays.equals(depths, c.depths)
                && Arrays.equals(embedDims, c.embedDims) && numVit == c.numVit && numClasses == c.numClasses
                && imageSize == c.imageSize && distillation == c.distillation && Arrays.deepEquals(mlpRatios, c.mlpRatios)
                && stem == c.stem && patchSize == c.patchSize;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(depths) * 31 + Arrays.hashCode(embedDims) + family.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
