package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.List;

/**
 * {@code simplify-pool-mixer}: V1's token mixer y = x + g*(P(x) - x), with P the 3x3 stride-1
 * average pool without padded zeros in the divisor, rewritten as y = P(x)*g + x*(1-g), with the
 * constant 1-g computed in double. The identity is exact algebra for any P, so the border divisors
 * (4 at corners, 6 on edges, 9 inside) stay exactly as the pool computes them.
 *
 * <p><b>There is no shorter exact local form.</b> The output is a per-channel combination of two
 * different tensors, P(x) and x, with coefficients g and 1-g that are not both 1: that takes one
 * binary op to join them and a scaling of at least one side, plus the pool: four ops, as in the
 * original (Sub, Mul, Add). Merging the pool and the combination into one depthwise 3x3 conv
 * (weights g/9, centre g/9 + 1 - g) would save two ops but is wrong at the borders, where the
 * pool divides by 4 or 6 (snap-research/EfficientFormer#23); fixing that needs a spatial
 * reciprocal-count map and more ops, not fewer. Scaling x before the pool (P(g*x) = g*P(x))
 * reshuffles the same four ops. Neither neighbour can take a factor: x also feeds the pool and the
 * residual, and the result feeds fc1 and the next residual. (Only a non-local rewrite saves an
 * op: carry the residual stream of a stage scaled by the products of (1-g) of the blocks ahead,
 * so that each mixer becomes P(x~)*(g/(1-g)) + x~, with every fc1, fc2 and downsample weight of
 * the stage rescaled to match. carry-mixer-scale does that, on this pass's output, where the
 * factors are safe to divide by.)
 *
 * <p><b>Why this form, at equal op count:</b> it has one activation-by-activation op (the final
 * Add, shaped like every residual Add of the network) instead of two (Sub and Add); both
 * multiplies have a constant operand, which every target writes as its cheapest elementwise form
 * (ONNX Mul with an initializer, TFLite MUL with a constant tensor, Core ML mul with a const) and
 * which runtimes can fuse into neighbouring kernels, while an op reading two live activations can
 * only be fused as a binary epilogue. It also drops the Reshape of gamma when fold-constants has
 * not run. This is a scheduling argument, not a measured speed-up: the pass reports the op counts
 * unchanged.
 */
public final class SimplifyPoolMixer implements Pass {
    @Override
    public String name() {
        return "simplify-pool-mixer";
    }

    @Override
    public String purpose() {
        return "rewrites V1's x + g*(AvgPool(x) - x) as AvgPool(x)*g + x*(1-g) (same op count, one fewer activation-activation op)";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        for (Node add : List.copyOf(g.nodes())) {
            if (!rw.live(add) || !add.is("Add")) continue;
            for (int side = 0; side < 2; side++) {
                if (rewrite(rw, add, add.input(side), add.input(1 - side))) {
                    rw.rewrote();
                    break;
                }
            }
        }
        return rw.finish(rw.rewrites() + " pool mixers canonicalised (same op count)");
    }

    /** Matches add = x + Mul(Sub(AvgPool(x), x), g) with g constant. */
    private static boolean rewrite(Rewriter rw, Node add, Value x, Value scaled) {
        Node mul = scaled.producer();
        if (mul == null || !mul.is("Mul") || rw.soleUser(scaled) != add) return false;
        for (int side = 0; side < 2; side++) {
            Value diff = mul.input(side), gv = mul.input(1 - side);
            Node sub = diff.producer();
            Tensor gamma = Weights.constantOf(gv);
            if (sub == null || !sub.is("Sub") || gamma == null || !Weights.isF32(gamma) || rw.soleUser(diff) != mul) continue;
            Value pooled = sub.input(0);
            Node pool = pooled.producer();
            if (sub.input(1) != x || pool == null || !pool.is("AveragePool") || pool.input(0) != x) continue;
            if (!add.output().shape().equals(x.shape()) || !pooled.shape().equals(x.shape())) continue;
            String key = rw.keyOf(Weights.root(gv));
            Value gc = gv.isConstant() ? gv : rw.stagedConstant(key, gamma, false);
            java.nio.FloatBuffer gb = Weights.view(gamma);
            Value rest = rw.constant(key + ".one_minus", Weights.build(gamma.shape(), i -> 1.0 - gb.get(i)));
            Value a = rw.apply("Mul", mul.name() + ".pool", Attributes.EMPTY, pooled, gc);
            Value b = rw.apply("Mul", mul.name() + ".skip", Attributes.EMPTY, x, rest);
            rw.rebuild(add, "Add", List.of(a, b), Attributes.EMPTY);
            return true;
        }
        return false;
    }
}
