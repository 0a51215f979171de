package dev.formwork.frontends.weights;

import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;

/**
 * Where a model builder gets its weights: a checkpoint or a seeded random draw. Builders ask for
 * every tensor by its timm state-dict key and the shape the architecture implies; the source
 * decides whether that is a view into a mapped file or a freshly drawn tensor.
 *
 * <p>The contract lets a checkpoint source collect every problem (missing keys, unexpected keys,
 * wrong shapes) in one pass and report them together from {@link #finish}, instead of failing
 * on the first key and making the user iterate.
 */
public interface WeightSource {
    /**
     * The float32 tensor for {@code timmKey} with exactly {@code shape}. A checkpoint source that
     * lacks the key or holds another shape records the problem and returns zeros so the build can
     * go on; {@link #finish} then throws.
     */
    Tensor take(String timmKey, Shape shape, Init kind);

    /**
     * A buffer the model computes itself (an attention index table). If the checkpoint has it,
     * it must equal {@code computed}, otherwise a one-line error names the key; if it is absent,
     * nothing happens. Random sources ignore it.
     */
    void checkBuffer(String timmKey, Tensor computed);

    /** Called once after the build: throws one error listing every key problem, if any. */
    void finish();

    /** True when the weights are drawn at random (no checkpoint). */
    boolean isRandom();
}
