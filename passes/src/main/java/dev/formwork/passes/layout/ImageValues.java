package dev.formwork.passes.layout;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Which 4-D values of the NCHW graph are images (feature maps) rather than other 4-D tensors
 * such as attention scores [B,heads,N,N] or head-split activations [B,heads,N,d].
 *
 * <p>Images are the inputs and outputs of the ops that really look at H and W (spatial
 * convolutions, pooling, resizing, space-to-depth) and the graph's 4-D inputs, spread through
 * ops that treat every position alike (elementwise ops, BatchNorm, 1x1 convolutions). A 1x1
 * convolution is no evidence on its own: the V2 talking heads are 1x1 convolutions over the
 * score tensor, which must stay heads-first for the softmax and the matmuls around it. The
 * layout pass wants images NHWC and leaves everything else in its logical order; this answer is
 * only consulted where the pass has a free choice (the output side of a reshape that has to move
 * data anyway, and which operand wins when an elementwise op's operands disagree).
 */
final class ImageValues {
    private static final Set<String> SPATIAL = Set.of("AveragePool", "MaxPool", "Resize", "SpaceToDepth");
    private static final Set<String> POSITIONWISE = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Relu", "Gelu", "Erf",
            "Tanh", "Sigmoid", "Sqrt", "Exp", "HardSwish", "Identity", "BatchNorm");

    private final IdentityHashMap<Value, Boolean> images = new IdentityHashMap<>();

    private ImageValues() {}

    static ImageValues of(Graph g) {
        ImageValues r = new ImageValues();
        Deque<Value> work = new ArrayDeque<>();
        for (Value in : g.inputs()) r.seed(in, work);
        for (Node n : g.nodes()) {
            if (SPATIAL.contains(n.opType()) || (n.is("Conv") && !isPointwise(n))) {
                r.seed(n.input(0), work);
                r.seed(n.output(), work);
            }
        }
        while (!work.isEmpty()) {
            Value v = work.pop();
            if (v.producer() != null && spreads(v.producer())) {
                for (Value in : v.producer().inputs()) r.seed(in, work);
            }
            for (Node user : v.userNodes()) {
                if (spreads(user)) r.seed(user.output(), work);
            }
        }
        return r;
    }

    boolean isImage(Value v) {
        return images.containsKey(v);
    }

    /** Pointwise: kernel 1x1, stride 1, no padding, no dilation, one group. */
    static boolean isPointwise(Node conv) {
        dev.formwork.ir.Shape w = conv.input(1).shape();
        return w.rank() == 4 && w.dim(2) == 1 && w.dim(3) == 1 && conv.i("groups") == 1
                && allEqual(conv.ints("strides"), 1) && allEqual(conv.ints("pads"), 0) && allEqual(conv.ints("dilations"), 1);
    }

    private static boolean allEqual(long[] a, long v) {
        for (long x : a) if (x != v) return false;
        return true;
    }

    private static boolean spreads(Node n) {
        return POSITIONWISE.contains(n.opType()) || (n.is("Conv") && isPointwise(n));
    }

    private void seed(Value v, Deque<Value> work) {
        if (v.shape().rank() != 4 || v.isConstant() || images.containsKey(v)) return;
        images.put(v, true);
        work.push(v);
    }
}
