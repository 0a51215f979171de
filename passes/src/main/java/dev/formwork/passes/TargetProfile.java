package dev.formwork.passes;

import java.util.Set;

/**
 * What a target can run, as data the pass pipeline reads: which GELU forms it has natively,
 * whether it has a LayerNorm op, which layout its 4-D ops use, and which IR ops its exporter
 * lowers. Exporters build one per (target, options); passes such as lower-gelu choose per
 * profile, and an unsupported op is refused before anything is written.
 *
 * @param target target name, e.g. {@code onnx}
 * @param nativeGelu GELU {@code approximate} modes the target has as one op ("none", "tanh", "sigmoid")
 * @param nativeLayerNorm whether LayerNorm stays one op
 * @param layout activation layout of 4-D ops
 * @param supportedOps IR op types the exporter can write
 */
public record TargetProfile(String target, Set<String> nativeGelu, boolean nativeLayerNorm, Layout layout,
                            Set<String> supportedOps) {
    public enum Layout { NCHW, NHWC }

    /** The reference interpreter runs every op in NCHW. */
    public static TargetProfile reference(Set<String> allOps) {
        return new TargetProfile("reference", Set.of("none", "tanh", "sigmoid"), true, Layout.NCHW, allOps);
    }
}
