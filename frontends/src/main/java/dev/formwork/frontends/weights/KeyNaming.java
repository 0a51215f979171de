package dev.formwork.frontends.weights;

import dev.formwork.frontends.config.Family;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The two state-dict namings and the mapping from the original repository's keys to timm's
 * (spec sections 3.2 and 3.4). Builders only know timm names; a checkpoint in original naming
 * is re-keyed here, once, before the build.
 *
 * <p>The stage index is derived from the key itself ({@code network.N}: blocks of stage N/2,
 * downsample of stage (N+1)/2), not by counting keys in file order as timm's filter does, so
 * the result does not depend on how the file happens to be ordered.
 */
public final class KeyNaming {
    /** Which naming a file uses. */
    public enum Naming {
        TIMM("timm"),
        ORIGINAL("original");

        private final String label;

        Naming(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A tensor under its timm key, remembering the key it had in the file (for messages). */
    public record Source(String fileKey, Tensor tensor) {}

    private static final Pattern NETWORK = Pattern.compile("network\\.(\\d+)\\.(.*)");
    private static final Pattern BLOCK = Pattern.compile("(\\d+)\\.(.*)");
    private static final Pattern CONV_NORM = Pattern.compile("(q|k|v|v_local|stride_conv)\\.([01])\\.(.*)");

    private KeyNaming() {}

    /** Original naming if any key is under {@code patch_embed.} or {@code network.}; else timm. */
    public static Naming detect(Collection<String> keys) {
        for (String k : keys) {
            if (k.startsWith("patch_embed.") || k.startsWith("network.")) return Naming.ORIGINAL;
        }
        return Naming.TIMM;
    }

    /**
     * Re-keys a file's tensors to timm names. Timm-named files pass through unchanged. V2
     * original layer scales [C,1,1] are viewed as timm's [C] (no copy). Two file keys that map to
     * one timm key are an error naming both.
     */
    public static Map<String, Source> toTimm(SafetensorsFile file, Family family) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String key : file.keys()) tensors.put(key, file.tensor(key));
        return toTimm(file.path().toString(), tensors, family);
    }

    /**
     * The same re-keying for tensors from any container (safetensors, a PyTorch checkpoint), in
     * the container's key order; {@code where} names the file in messages.
     */
    public static Map<String, Source> toTimm(String where, Map<String, Tensor> tensors, Family family) {
        Naming naming = detect(tensors.keySet());
        Map<String, Source> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String key = e.getKey();
            Tensor t = e.getValue();
            String timm = naming == Naming.TIMM ? key : toTimm(key, family);
            if (naming == Naming.ORIGINAL && timm.endsWith(".gamma") && t.shape().rank() == 3
                    && t.shape().dim(1) == 1 && t.shape().dim(2) == 1) {
                t = t.reshape(Shape.of(t.shape().dim(0)));
            }
            Source prev = out.put(timm, new Source(key, t));
            if (prev != null) {
                throw new FormworkException(where + ": keys \"" + prev.fileKey() + "\" and \"" + key
                        + "\" both map to timm key \"" + timm + "\"");
            }
        }
        return out;
    }

    /** The timm name of one original-naming key; keys that match no rule are returned unchanged. */
    public static String toTimm(String key, Family family) {
        if (key.startsWith("patch_embed.")) return stem(key, family);
        if (key.startsWith("dist_head.")) return "head_dist." + key.substring("dist_head.".length());
        Matcher m = NETWORK.matcher(key);
        if (!m.matches()) return key; // norm.*, head.* and anything already timm-named
        int n = Integer.parseInt(m.group(1));
        String rest = m.group(2);
        if (n % 2 == 0) {
            Matcher b = BLOCK.matcher(rest);
            if (!b.matches()) return key;
            return "stages." + n / 2 + ".blocks." + b.group(1) + "." + blockRest(b.group(2), family);
        }
        String ds = "stages." + (n + 1) / 2 + ".downsample.";
        if (family == Family.V1) {
            if (rest.startsWith("proj.")) return ds + "conv." + rest.substring(5);
            if (rest.startsWith("norm.")) return ds + "norm." + rest.substring(5);
            return key;
        }
        if (rest.startsWith("proj.") || rest.startsWith("conv.")) return ds + "conv.conv." + rest.substring(5);
        if (rest.startsWith("norm.")) return ds + "conv.bn." + rest.substring(5);
        if (rest.startsWith("bn.")) return ds + "conv.bn." + rest.substring(3);
        if (rest.startsWith("attn.")) return ds + "attn." + attentionRest(rest.substring(5));
        return key;
    }

    private static String stem(String key, Family family) {
        String rest = key.substring("patch_embed.".length());
        int dot = rest.indexOf('.');
        if (dot < 0) return key;
        String idx = rest.substring(0, dot), tail = rest.substring(dot + 1);
        String module = switch (idx) {
            case "0" -> family == Family.V1 ? "stem.conv1" : "stem.conv1.conv";
            case "1" -> family == Family.V1 ? "stem.norm1" : "stem.conv1.bn";
            case "3" -> family == Family.V1 ? "stem.conv2" : "stem.conv2.conv";
            case "4" -> family == Family.V1 ? "stem.norm2" : "stem.conv2.bn";
            default -> null;
        };
        return module == null ? key : module + "." + tail;
    }

    private static String blockRest(String rest, Family family) {
        if (rest.equals("layer_scale_1")) return "ls1.gamma";
        if (rest.equals("layer_scale_2")) return "ls2.gamma";
        if (family == Family.V1) return rest; // mlp.*, norm1/2, token_mixer.* keep their names
        if (rest.startsWith("token_mixer.")) return "token_mixer." + attentionRest(rest.substring(12));
        String[][] mlp = {{"mlp.fc1.", "mlp.fc1.conv."}, {"mlp.norm1.", "mlp.fc1.bn."}, {"mlp.mid.", "mlp.mid.conv."},
            {"mlp.mid_norm.", "mlp.mid.bn."}, {"mlp.fc2.", "mlp.fc2.conv."}, {"mlp.norm2.", "mlp.fc2.bn."}};
        for (String[] p : mlp) {
            if (rest.startsWith(p[0])) return p[1] + rest.substring(p[0].length());
        }
        return rest;
    }

    /** Inside Attention4D / Attention4DDownsample: nn.Sequential indices to ConvNorm's conv/bn. */
    private static String attentionRest(String rest) {
        if (rest.startsWith("q.local.0.")) return "q.local." + rest.substring(10);
        if (rest.startsWith("q.proj.0.")) return "q.proj.conv." + rest.substring(9);
        if (rest.startsWith("q.proj.1.")) return "q.proj.bn." + rest.substring(9);
        if (rest.startsWith("proj.1.")) return "proj.conv." + rest.substring(7);
        if (rest.startsWith("proj.2.")) return "proj.bn." + rest.substring(7);
        Matcher m = CONV_NORM.matcher(rest);
        if (m.matches()) return m.group(1) + (m.group(2).equals("0") ? ".conv." : ".bn.") + m.group(3);
        return rest; // talking_head1/2, attention_biases, attention_bias_idxs
    }
}
