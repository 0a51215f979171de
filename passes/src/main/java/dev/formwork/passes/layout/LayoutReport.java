package dev.formwork.passes.layout;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * What the layout rewrite left behind.
 *
 * @param interfaceLayout "nhwc" or "nchw": the layout of the graph's 4-D inputs
 * @param transposes Transpose nodes in the rewritten graph
 * @param adjMarkers of those, the last-two-axes swaps read only by MatMuls, which a writer with
 *     transpose flags on its batched matmul (TFLite BATCH_MATMUL adj_x/adj_y) absorbs
 * @param transposeNodes names of the Transposes that move data (markers excluded), in order
 * @param constantsRelaid constants written in a new layout (per-channel vectors, biases)
 */
public record LayoutReport(String interfaceLayout, int transposes, int adjMarkers, List<String> transposeNodes,
                           int constantsRelaid) {
    public LayoutReport {
        transposeNodes = List.copyOf(transposeNodes);
    }

    /** Transposes that move data: what a writer that folds adj markers puts in the file. */
    public int dataTransposes() {
        return transposes - adjMarkers;
    }

    static LayoutReport of(Graph g, String interfaceLayout, int relaid) {
        int t = 0, adj = 0;
        List<String> names = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (!n.is("Transpose")) continue;
            t++;
            if (isAdjMarker(g, n)) adj++;
            else names.add(n.name());
        }
        return new LayoutReport(interfaceLayout, t, adj, names, relaid);
    }

    /** See {@link TransposeCleanup#isAdjMarker}: exporters use this to decide what to fold. */
    public static boolean isAdjMarker(Graph g, Node transpose) {
        return TransposeCleanup.isAdjMarker(g, transpose);
    }

    public String summary() {
        return dataTransposes() + " transposes move data (" + adjMarkers + " more fold into matmul adj flags); "
                + constantsRelaid + " constants re-laid; " + interfaceLayout + " interface";
    }
}
