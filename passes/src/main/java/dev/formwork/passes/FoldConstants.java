package dev.formwork.passes;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fold-constants}: a node whose inputs are all constants (or that has none, like an
 * imported Constant) computes the same tensor on every run, so it is evaluated once with the op's
 * reference kernel (the interpreter's own arithmetic, hence exact with respect to it) and replaced
 * by that constant: the attention-bias Gather(attention_biases, attention_bias_idxs) becomes a
 * [heads,N,N] table, Reshape(gamma, [1,C,1,1]) a [1,C,1,1] layer scale. Reshape, Flatten and
 * Identity of a constant are views of its bytes (no copy). The new constant is named after the
 * node's output and is a buffer when all its inputs were buffers. Results over 16M elements stay
 * computed.
 */
public final class FoldConstants implements Pass {
    private static final long MAX_ELEMENTS = 1L << 24;

    @Override
    public String name() {
        return "fold-constants";
    }

    @Override
    public String purpose() {
        return "evaluates nodes whose inputs are all constants (attention-bias gathers, reshaped layer scales)";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public boolean legalizes(TargetProfile profile, String gelu) {
        // A target without Gather (or Constant nodes) takes the attention-bias table only folded.
        return !profile.supportedOps().isEmpty()
                && (!profile.supportedOps().contains("Gather") || !profile.supportedOps().contains("Constant"));
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        for (Node n : List.copyOf(g.nodes())) {
            if (!rw.live(n)) continue;
            Tensor[] out;
            try {
                out = evaluate(n);
            } catch (IllegalStateException e) {
                // The IR's Gather/Split/Slice/Concat kernels read float data only; an int64 shape
                // computation (ONNX imports) stays computed rather than failing the conversion.
                ctx.log("fold-constants: left " + n.name() + " (" + n.opType() + ") computed: " + e.getMessage());
                continue;
            }
            if (out == null) continue;
            boolean buffer = n.inputCount() > 0 && n.inputs().stream().allMatch(Value::isBuffer);
            rw.replaceByConstants(n, out, buffer);
            rw.rewrote();
        }
        return rw.finish(rw.rewrites() + " nodes evaluated");
    }

    /** The node's outputs as tensors, or null when they are not constant or too large. */
    static Tensor[] evaluate(Node n) {
        List<NdArray> args = new ArrayList<>();
        for (Value v : n.inputs()) if (!v.isConstant()) return null;
        for (Value o : n.outputs()) if (o.shape().numel() > MAX_ELEMENTS && !isView(n)) return null;
        if (isView(n)) return new Tensor[] {n.input(0).constant().reshape(n.output().shape())};
        for (Value v : n.inputs()) args.add(NdArray.fromTensor(v.constant()));
        NdArray[] res = n.op().compute(n, args.toArray(NdArray[]::new));
        Tensor[] out = new Tensor[res.length];
        for (int i = 0; i < res.length; i++) out[i] = res[i].toTensor().cast(n.output(i).dtype());
        return out;
    }

    private static boolean isView(Node n) {
        return (n.is("Reshape") || n.is("Flatten") || n.is("Identity")) && n.inputCount() == 1;
    }
}
