package dev.formwork.exporters.coreml;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The export options as both Core ML writers read them, resolved and checked once: compute
 * precision, deployment target, image input with its normalisation, class labels.
 *
 * @param fp16 whether constants (and, for ML Programs, activations) are half precision
 * @param minIos the deployment target the user asked for
 * @param image whether the (single) input is declared as an RGB image
 * @param mean per-channel mean (RGB) of the [0,1]-scaled image, used with {@code image}
 * @param std per-channel standard deviation (RGB), folded into the stem when {@code image}
 * @param labels class labels making the model a classifier, or null
 * @param gelu GELU form forced by the user (none / tanh / sigmoid), or null to keep the graph's
 */
public record CoreMlSettings(boolean fp16, int minIos, boolean image, float[] mean, float[] std,
                             List<String> labels, String gelu) {
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    /** ML Program: fp16 unless the user chose fp32 explicitly (what coremltools does). */
    public static CoreMlSettings forMlProgram(ExportOptions o, Graph g) {
        boolean fp16 = !o.precisionExplicit() || o.precision() == ExportOptions.Precision.FP16;
        int ios = o.coremlMinIos();
        if (ios < 15 || ios > 18) {
            throw new FormworkException("target coreml: --min-ios " + ios + " is not 15..18 (ML Programs need iOS 15; use coreml-nn for older devices)");
        }
        return resolve(o, g, fp16, ios);
    }

    /** NeuralNetwork: fp32 weights unless fp16 was asked for explicitly. */
    public static CoreMlSettings forNeuralNetwork(ExportOptions o, Graph g) {
        boolean fp16 = o.precisionExplicit() && o.precision() == ExportOptions.Precision.FP16;
        int ios = o.coremlMinIos();
        if (ios < 13) throw new FormworkException("target coreml-nn: --min-ios " + ios + " is below 13 (the ND layers this model needs came with iOS 13)");
        return resolve(o, g, fp16, ios);
    }

    private static CoreMlSettings resolve(ExportOptions o, Graph g, boolean fp16, int ios) {
        String kind = o.coremlInput() == null ? "array" : o.coremlInput();
        if (!kind.equals("array") && !kind.equals("image")) {
            throw new FormworkException("--coreml-input '" + kind + "' is not array or image");
        }
        boolean image = kind.equals("image");
        float[] mean = triple(o, g, "input_mean", IMAGENET_MEAN);
        float[] std = triple(o, g, "input_std", IMAGENET_STD);
        if (image) checkImageInput(g, std);
        List<String> labels = o.labels();
        if (labels != null) checkLabels(g, labels);
        String gelu = o.gelu() == null ? null : switch (o.gelu()) {
            case "exact", "none" -> "none";
            case "tanh" -> "tanh";
            case "sigmoid" -> "sigmoid";
            default -> throw new FormworkException("--gelu '" + o.gelu() + "' is not exact, tanh or sigmoid");
        };
        return new CoreMlSettings(fp16, ios, image, mean, std, labels, gelu);
    }

    /** Metadata value from the options, else the graph's metadata, else the default. */
    static String meta(ExportOptions o, Graph g, String key) {
        String v = o.metadata().get(key);
        return v != null ? v : g.metadata().get(key);
    }

    private static float[] triple(ExportOptions o, Graph g, String key, float[] dflt) {
        String s = meta(o, g, key);
        if (s == null || s.isBlank()) return dflt.clone();
        List<Float> vals = new ArrayList<>();
        Matcher m = NUMBER.matcher(s);
        while (m.find()) vals.add(Float.parseFloat(m.group()));
        if (vals.size() != 3) throw new FormworkException("metadata " + key + " '" + s + "' needs three numbers (R, G, B)");
        float[] r = {vals.get(0), vals.get(1), vals.get(2)};
        if (key.equals("input_std")) {
            for (float v : r) if (!(v > 0)) throw new FormworkException("metadata input_std '" + s + "' must be positive");
        }
        return r;
    }

    private static void checkImageInput(Graph g, float[] std) {
        if (g.inputs().size() != 1) throw new FormworkException("--coreml-input image needs a model with one input, " + g.name() + " has " + g.inputs().size());
        Value in = g.input(0);
        Shape s = in.shape();
        if (s.rank() != 4 || s.dim(1) != 3) throw new FormworkException("--coreml-input image: model input '" + in.name() + "' is " + s + ", an RGB image needs [1,3,H,W]");
        if (s.dim(0) != 1) throw new FormworkException("--coreml-input image: model input '" + in.name() + "' has batch " + s.dim(0) + "; Core ML takes one image per prediction (use --batch 1)");
    }

    private static void checkLabels(Graph g, List<String> labels) {
        if (g.outputs().size() != 1) throw new FormworkException("--labels: a classifier needs one output, " + g.name() + " has " + g.outputs().size());
        Value out = g.output(0);
        Shape s = out.shape();
        if (s.rank() != 2 || s.dim(0) != 1) throw new FormworkException("--labels: model output '" + out.name() + "' is " + s + ", a classifier needs [1, classes] (use --batch 1)");
        if (s.dim(1) != labels.size()) throw new FormworkException("--labels: " + labels.size() + " labels for model output '" + out.name() + "' with " + s.dim(1) + " classes");
        if (new java.util.HashSet<>(labels).size() != labels.size()) throw new FormworkException("--labels: the labels are not unique");
    }
}
