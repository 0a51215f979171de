package dev.formwork.passes.layout;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.GraphVerifier;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The layout pass for NHWC targets (TFLite): rewrites an NCHW graph so that its 4-D feature
 * maps are NHWC end to end and everything else (tokens [B,N,C], head-split [B,h,N,d], scores)
 * keeps its logical order, deciding the layout once over the whole graph instead of wrapping
 * each op in transposes.
 *
 * <p>How: nodes are visited in order and every value gets a physical layout (a permutation of
 * its logical axes). Ops that do not care (elementwise, Split, the reductions, Linear on the last
 * axis, 1x1 convolutions) take their input's layout and have their axes renamed; Transposes
 * disappear into the layout; reshapes stay reshapes whenever the axes they touch are contiguous;
 * per-channel constants are re-laid ([1,C,1,1] -> [C]). Data moves only where an op needs an
 * order the value does not have (see {@link LayoutContext#as}); {@link TransposeCleanup} then
 * merges what can be merged. On EfficientFormer what is left is the attention head split and
 * merge (V1: 2 per block; V2: q, k, v and the merge, 4 per block) plus, with an NCHW interface,
 * one transpose after the input; the K^T of both families is a BATCH_MATMUL adj flag.
 *
 * <p>Constant subgraphs (the attention-bias Gather, layer-scale views) are evaluated first with
 * the ops' reference kernels, so their results can be re-laid like any other constant.
 *
 * <p>This is a graph-to-graph function rather than an in-place {@code Pass}: it changes the
 * graph's input type, and {@link Graph} has no way to retype or replace an input in place. The
 * result is certified like a pass: the reference interpreter runs NHWC graphs, and on the
 * permuted input it must give the NCHW graph's outputs (see the tests).
 */
public final class ToNhwcLayout {
    /** Metadata key set on the rewritten graph; exporters use it to know the pass has run. */
    public static final String METADATA_KEY = "layout";

    /** The rewritten graph and what remains to move. */
    public record Result(Graph graph, LayoutReport report) {}

    private ToNhwcLayout() {}

    /** NHWC interface: 4-D inputs (and outputs) become [B,H,W,C]. */
    public static Result apply(Graph src) {
        return apply(src, "nhwc");
    }

    /**
     * {@code interfaceLayout} "nhwc" (4-D inputs and outputs NHWC) or "nchw" (they stay NCHW: one
     * transpose follows each 4-D input, one precedes each 4-D output).
     */
    public static Result apply(Graph src, String interfaceLayout) {
        String iface = interfaceLayout == null ? "nhwc" : interfaceLayout.toLowerCase(Locale.ROOT);
        if (!iface.equals("nhwc") && !iface.equals("nchw")) {
            throw new FormworkException("--tflite-input " + interfaceLayout + ": expected nhwc or nchw");
        }
        if (isLaidOut(src)) throw new FormworkException("graph " + src.name() + " is already laid out NHWC");
        Graph dst = new Graph(src.name());
        for (Map.Entry<String, String> e : src.metadata().entrySet()) dst.metadata().put(e.getKey(), e.getValue());
        dst.metadata().put(METADATA_KEY, "NHWC");
        dst.metadata().put("input_layout", iface.toUpperCase(Locale.ROOT));
        LayoutContext cx = new LayoutContext(src, dst);
        for (Value in : src.inputs()) {
            boolean nhwc = iface.equals("nhwc") && in.shape().rank() == 4;
            int[] p = nhwc ? Perm.NHWC : Perm.identity(in.shape().rank());
            cx.define(in, dst.addInput(in.name(), new ValueType(in.dtype(), Perm.apply(in.shape(), p))), p);
        }
        Map<String, LayoutRule> rules = LayoutRule.table();
        for (Node n : src.nodes()) {
            if (allConstant(n, cx)) fold(n, cx);
            else rules.getOrDefault(n.opType(), LayoutRule::logical).rewrite(n, cx);
        }
        for (Value out : src.outputs()) {
            int[] p = iface.equals("nhwc") && out.shape().rank() == 4 ? Perm.NHWC : Perm.identity(out.shape().rank());
            dst.addOutput(cx.isConstant(out) ? cx.constantAs(out, p) : cx.as(out, p, out.name()));
        }
        TransposeCleanup.run(dst);
        removeDead(dst);
        GraphVerifier.verify(dst);
        return new Result(dst, LayoutReport.of(dst, iface, cx.constantsRelaid));
    }

    /** True when {@link #apply} produced this graph. */
    public static boolean isLaidOut(Graph g) {
        return "NHWC".equals(g.metadata().get(METADATA_KEY));
    }

    private static boolean allConstant(Node n, LayoutContext cx) {
        for (Value v : n.inputs()) if (!cx.isConstant(v)) return false;
        return true;
    }

    /** Evaluates a node whose inputs are all constants with its reference kernel. */
    private static void fold(Node n, LayoutContext cx) {
        NdArray[] args = new NdArray[n.inputCount()];
        for (int i = 0; i < args.length; i++) args[i] = NdArray.fromTensor(cx.constant(n.input(i)));
        NdArray[] res = n.op().compute(n, args);
        for (int i = 0; i < res.length; i++) {
            Tensor t = res[i].toTensor();
            cx.fold(n.output(i), t.dtype() == n.output(i).dtype() ? t : t.cast(n.output(i).dtype()));
        }
    }

    private static void removeDead(Graph g) {
        List<Node> order = new ArrayList<>(g.nodes());
        for (int i = order.size() - 1; i >= 0; i--) {
            Node n = order.get(i);
            boolean used = false;
            for (Value out : n.outputs()) used |= !out.users().isEmpty() || g.outputs().contains(out);
            if (!used) g.remove(n);
        }
        g.removeUnusedConstants();
    }
}
