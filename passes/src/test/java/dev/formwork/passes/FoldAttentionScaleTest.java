package dev.formwork.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.formwork.ir.Graph;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FoldAttentionScaleTest {
    private final FoldAttentionScale pass = new FoldAttentionScale();

    @Test
    void v1ScalesExactlyTheQRowsOfEachHeadInQkv() {
        int heads = 2, kd = 4, vd = 8, per = 2 * kd + vd;
        Net n = new Net("v1attn", 1);
        Value x = n.input(1, 16, 12);
        Graph g = n.output(MiniModels.meta3d(n, "blk", x, heads, kd, vd, 4)), before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(1, r.rewrites());
        assertEquals(Map.of("Mul", 1), r.removed());
        Tensor w0 = before.constant("blk.token_mixer.qkv.weight").constant(), w1 = g.constant("blk.token_mixer.qkv.weight").constant();
        Tensor b0 = before.constant("blk.token_mixer.qkv.bias").constant(), b1 = g.constant("blk.token_mixer.qkv.bias").constant();
        double s = Math.pow(kd, -0.5);
        for (int row = 0; row < heads * per; row++) {
            boolean q = row % per < kd;
            assertEquals(q ? (float) (b0.getFloat(row) * s) : b0.getFloat(row), b1.getFloat(row), 0f, "bias row " + row);
            for (int c = 0; c < 12; c++) {
                float expect = q ? (float) (w0.getFloat(row * 12 + c) * s) : w0.getFloat(row * 12 + c);
                assertEquals(expect, w1.getFloat(row * 12 + c), 0f, "weight row " + row);
            }
        }
        Check.equivalent(before, g, Check.EXACT);
        Check.idempotent(pass, g);
    }

    @Test
    void v2ScalesTheQConv() {
        Net n = new Net("v2attn", 2);
        Value x = n.input(1, 12, 4, 4);
        Graph g = n.output(MiniModels.attention4d(n, "attn", x, 2, 4, 8));
        Check.run(new FoldConvBn(), g);
        Graph before = g.copy();
        PassResult r = Check.run(pass, g);
        assertEquals(1, r.rewrites());
        assertFalse(g.constant("attn.q.conv.weight").constant().contentEquals(before.constant("attn.q.conv.weight").constant()));
        assertEquals(true, g.constant("attn.k.conv.weight").constant() == before.constant("attn.k.conv.weight").constant());
        Check.equivalent(before, g, Check.EXACT);
    }

    @Test
    void refusedWhenQFeaturesAlsoReachAnotherReader() {
        Net n = new Net("leak", 3);
        Value x = n.input(1, 6, 8);
        Value proj = n.linear("qk", x, 8, true);
        Value q = n.reshape("q", proj, 1, 6, 8);
        Value s = n.op("Mul", "scale", n.op("MatMul", "qk_mm", q, n.transpose("kT", proj, 0, 2, 1)), n.scalar("s", 0.5f));
        Graph g = n.output(n.op("Softmax", "sm", s));
        assertFalse(Check.run(pass, g).changed(), "q and k are the same features: scaling them would scale both");
    }
}
