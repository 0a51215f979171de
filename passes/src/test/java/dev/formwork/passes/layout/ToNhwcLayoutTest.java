package dev.formwork.passes.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The layout pass on graphs with the EfficientFormer patterns: numeric certificate and what is left. */
class ToNhwcLayoutTest {
    @ParameterizedTest(name = "V1 batch {0}, {1} interface")
    @CsvSource({"2,nhwc", "1,nhwc", "2,nchw"})
    void v1AttentionKeepsTwoTransposes(int batch, String iface) {
        Graph g = MiniNets.v1(batch, 32);
        ToNhwcLayout.Result r = ToNhwcLayout.apply(g, iface);
        assertTrue(LayoutCheck.certify(g, r.graph()) <= 1e-6, "numeric certificate");
        LayoutCheck.allSpatialNhwc(r.graph());
        int lead = iface.equals("nchw") ? 1 : 0;
        // Head split (one transpose before the qkv Split) and head merge; K^T is an adj_y marker.
        assertEquals(2 + lead, r.report().dataTransposes(), r.report().transposeNodes().toString());
        assertEquals(1, r.report().adjMarkers());
        LayoutCheck.transposesOnlyIn(r.report(), "stages.1.blocks.1.token_mixer.", "stem.conv1/");
        Shape in = r.graph().input(0).shape();
        assertEquals(iface.equals("nhwc") ? Shape.of(batch, 32, 32, 3) : Shape.of(batch, 3, 32, 32), in);
        assertEquals(g.output(0).shape(), r.graph().output(0).shape());
    }

    @ParameterizedTest(name = "V2 batch {0}, {1} interface")
    @CsvSource({"2,nhwc", "1,nhwc", "2,nchw"})
    void v2AttentionKeepsFourTransposesPerBlock(int batch, String iface) {
        Graph g = MiniNets.v2(batch, 32);
        ToNhwcLayout.Result r = ToNhwcLayout.apply(g, iface);
        assertTrue(LayoutCheck.certify(g, r.graph()) <= 1e-6, "numeric certificate");
        LayoutCheck.allSpatialNhwc(r.graph());
        int lead = iface.equals("nchw") ? 1 : 0;
        // Per block: q, k and v head splits and the merge; three attention modules.
        assertEquals(3 * 4 + lead, r.report().dataTransposes(), r.report().transposeNodes().toString());
        assertEquals(3, r.report().adjMarkers());
        LayoutCheck.transposesOnlyIn(r.report(), "stages.2.blocks.0.token_mixer.", "stages.3.blocks.0.token_mixer.",
                "stages.3.downsample.attn.", "stem.conv1.conv/");
        // The talking heads stay heads-first: matrix products, not Convs.
        for (Node n : r.graph().nodes()) {
            if (n.name().contains("talking_head") && n.is("Conv")) throw new AssertionError("talking head left as Conv: " + n);
        }
    }

    @Test
    void perChannelConstantsAreRelaidAndNoTransposeWrapsConvChains() {
        Graph g = MiniNets.v1(2, 32);
        ToNhwcLayout.Result r = ToNhwcLayout.apply(g);
        // ls1/ls2 views [1,C,1,1] -> [C]
        assertEquals(Shape.of(8), r.graph().nodes().stream().filter(n -> n.name().equals("stages.0.blocks.0.ls1"))
                .findFirst().orElseThrow().input(1).shape());
        assertTrue(r.report().constantsRelaid() >= 2);
        assertEquals("NHWC", r.graph().metadata().get(ToNhwcLayout.METADATA_KEY));
        assertTrue(ToNhwcLayout.isLaidOut(r.graph()));
    }

    @Test
    void refusesTwiceAndBadInterface() {
        Graph g = MiniNets.v1(1, 32);
        Graph laid = ToNhwcLayout.apply(g).graph();
        assertThrows(FormworkException.class, () -> ToNhwcLayout.apply(laid));
        FormworkException e = assertThrows(FormworkException.class, () -> ToNhwcLayout.apply(g, "nwhc"));
        assertTrue(e.getMessage().contains("nwhc"), e.getMessage());
    }

    @Test
    void sourceGraphIsLeftAlone() {
        Graph g = MiniNets.v2(1, 32);
        String before = dev.formwork.ir.GraphPrinter.print(g);
        ToNhwcLayout.apply(g);
        assertEquals(before, dev.formwork.ir.GraphPrinter.print(g));
    }
}
