package dev.formwork.passes;

import dev.formwork.ir.FormworkException;
import java.util.ArrayList;
import java.util.List;

/**
 * Named pipelines and the {@code --passes} syntax. {@code default} and {@code none} are ordered
 * lists with the reason for each position written beside it; {@code P1,P2,...} runs exactly those
 * passes in that order.
 *
 * <p><b>Legalization.</b> Some passes are needed by the target whatever {@code --passes} says:
 * those whose {@link Pass#legalizes} is true for the profile and the {@code --gelu} choice
 * (lower-gelu when the target lacks a native GELU of the requested form, or when an approximate
 * form is requested; fold-conv-bn for a target without BatchNorm; fold-constants for one without
 * Gather). {@link #forTarget} appends them, in registry order, to the user's selection when it
 * does not already contain them, so {@code --passes none} still legalizes: it means "no
 * optimisation", not "write ops the target cannot run".
 */
public final class Pipelines {
    /** One pipeline position: the pass and why it sits there. */
    public record Entry(String pass, String reason) {}

    /** The default pipeline, in order. */
    public static final List<Entry> DEFAULT = List.of(
            new Entry("fold-constants",
                    "first: turns Reshape(gamma,[1,C,1,1]), the attention-bias Gather and imported Constant nodes into plain constants, which the matchers below look for"),
            new Entry("cancel-data-movement",
                    "after fold-constants (reshaped constants are constants by then); before the recoveries, so that a Reshape/Transpose pair or a same-shape Reshape between a Conv or MatMul and its scale or bias does not hide the pattern"),
            new Entry("recover-gelu",
                    "before lower-gelu, which then gives the recovered Gelu the target's form, and before fold-layer-scale, which would fold the chain's 0.5 into the layer after it and leave no GELU to find"),
            new Entry("recover-layer-norm",
                    "before recover-linear and fold-layer-scale: a norm without beta ends in Mul(gamma), which fold-layer-scale would fold into the Linear after it"),
            new Entry("recover-linear",
                    "before fold-conv-bn and fold-layer-scale, which fold BatchNorms and scales into a Linear, not into a MatMul and its bias Add"),
            new Entry("fold-conv-affine",
                    "after recover-gelu (whose chain also reads Conv outputs); before fold-conv-bn, so a BatchNorm behind a Conv's Mul/Add finds the Conv right before it"),
            new Entry("fold-conv-bn",
                    "before the layer-scale, attention-scale and patch-stem rewrites: those fold into the Conv that must already carry its BatchNorm"),
            new Entry("rewrite-patch-stem",
                    "after fold-conv-bn, so the reordered 1x1 weight is the final folded one (one reorder of final weights)"),
            new Entry("simplify-pool-mixer",
                    "after fold-constants (gamma as a constant); before fold-layer-scale so that pass sees only the Conv/Linear-ended branches"),
            new Entry("merge-parallel-layers",
                    "before fold-layer-scale, which then folds the heads' average (/2) into the merged Linear"),
            new Entry("lower-gelu",
                    "before fold-layer-scale: where a GELU must be decomposed, its two constant factors then fold into the layers around it"),
            new Entry("fold-layer-scale",
                    "after fold-conv-bn (the MLP branches end in the fc2 Conv only once norm2 is folded into it) and lower-gelu"),
            new Entry("carry-mixer-scale",
                    "after simplify-pool-mixer (it matches that form) and fold-layer-scale (each MLP branch then ends in its fc2 Conv, which takes the carried factor's inverse)"),
            new Entry("fold-attention-scale",
                    "after fold-conv-bn: V2's q branch is Conv+BN and the scale must land in the folded q conv"),
            new Entry("eliminate-noops",
                    "after the rewrites, which can leave same-shape Reshapes, cancelling Transposes or x*1 behind"),
            new Entry("eliminate-dead-code",
                    "last: drops what the passes orphaned (replaced weights, BatchNorm statistics, dead Reshapes)"));

    private Pipelines() {}

    /** Pipeline names accepted by {@code --passes} besides explicit lists. */
    public static List<String> named() {
        return List.of("default", "none");
    }

    /** The passes of a named pipeline ("none" is empty). */
    public static List<String> named(String name) {
        return switch (name) {
            case "default" -> DEFAULT.stream().map(Entry::pass).toList();
            case "none" -> List.of();
            default -> throw new FormworkException("unknown pipeline '" + name + "' (known: default, none)");
        };
    }

    /** {@code default}, {@code none} or {@code P1,P2,...} (names checked against the registry). */
    public static List<String> parse(String selection, PassRegistry registry) {
        String s = selection == null ? "default" : selection.trim();
        if (s.equals("default") || s.equals("none")) return named(s);
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) throw new FormworkException("--passes '" + selection + "': empty pass name");
            if (!registry.has(name)) {
                throw new FormworkException("--passes: unknown pass '" + name + "' (known: " + String.join(", ", registry.names())
                        + "; or default, none)");
            }
            out.add(name);
        }
        return out;
    }

    public static List<String> parse(String selection) {
        return parse(selection, PassRegistry.standard());
    }

    /** Passes the target needs whatever the selection, in registry order. */
    public static List<String> legalization(TargetProfile profile, String gelu, PassRegistry registry) {
        List<String> out = new ArrayList<>();
        for (Pass p : registry.all()) if (p.legalizes(profile, gelu)) out.add(p.name());
        return out;
    }

    /** The final ordered pass list for a target: the user's selection, then any legalization it lacks. */
    public static List<String> forTarget(String userSelection, TargetProfile profile, String gelu, PassRegistry registry) {
        List<String> out = new ArrayList<>(parse(userSelection, registry));
        for (String p : legalization(profile, gelu, registry)) if (!out.contains(p)) out.add(p);
        return out;
    }

    public static List<String> forTarget(String userSelection, TargetProfile profile, String gelu) {
        return forTarget(userSelection, profile, gelu, PassRegistry.standard());
    }

    /** {@link #forTarget(String, TargetProfile, String)} without a --gelu choice. */
    public static List<String> forTarget(String userSelection, TargetProfile profile) {
        return forTarget(userSelection, profile, null);
    }
}
