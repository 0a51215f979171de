package dev.formwork.frontends.weights;

/**
 * What a weight is for, which decides how {@link RandomWeights} draws it. The distributions are
 * the golden cases' (testdata/golden/README.md), chosen so a randomly initialised network keeps
 * activations of order 1 through every stage and every residual branch matters — unlike
 * training-time init (layer scale 1e-5), which would make random-weight exports hide bugs.
 */
public enum Init {
    /** Conv / Linear weight: normal, variance 1 / fan_in (fan_in = elements per output channel). */
    WEIGHT,
    /** Conv / Linear bias: normal, std 0.1. */
    BIAS,
    /** BatchNorm / LayerNorm scale: uniform [0.8, 1.2]. */
    NORM_WEIGHT,
    /** BatchNorm / LayerNorm shift: normal, std 0.1. */
    NORM_BIAS,
    /** BatchNorm running mean: normal, std 0.1. */
    RUNNING_MEAN,
    /** BatchNorm running variance: uniform [0.5, 2]. */
    RUNNING_VAR,
    /** Layer-scale gamma: uniform [0.1, 0.4]. */
    LAYER_SCALE,
    /** Attention position-bias table: standard normal. */
    ATTENTION_BIAS
}
