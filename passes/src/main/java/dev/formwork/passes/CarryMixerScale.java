package dev.formwork.passes;

import dev.formwork.ir.Attributes;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code carry-mixer-scale}: removes the skip multiply of every V1 pool mixer in a run of
 * consecutive Meta4D blocks by carrying it, as a per-channel factor, along the residual stream to
 * the Conv that reads the run's output.
 *
 * <p>After simplify-pool-mixer and fold-layer-scale a block computes
 * {@code m = P(x)*g + x*s} (s = 1-g), {@code y = m + fc2(act(fc1(m)))}. Suppose the graph holds
 * x~ with x = S*x~ for a per-channel S (S = 1 at the start of a run). The average pool is linear
 * in each channel, so P(x) = S*P(x~) and
 * <pre>
 *   m = (S*s) * (x~ + P(x~)*(g/s))     =: S' * m~
 *   y = S' * (m~ + fc2(..)/S')          =: S' * y~
 * </pre>
 * The block then computes m~ with one Mul and one Add (the x*s Mul is gone); fc1 reads m~ with
 * S' folded into its input channels, and fc2's output rows and bias are divided by S'. y~ is the
 * next block's x~ with S = S'. At the end of the run the carried S goes into every Conv that
 * reads y~ (a downsample: input channels, any padding, since padded zeros scale to zeros);
 * another reader (the flatten before a Meta3D stage) gets one Mul by S. A run of one block that
 * would need that Mul is left alone: it would save nothing.
 *
 * <p>The identity is exact algebra. In float32 every rewritten weight is rounded once from a
 * double product. A block whose |1-g| is below {@value #MIN_SKIP} in some channel would be divided
 * by that small factor, so it ends the run and stays as it is; a run also ends before its carried
 * product leaves [1/{@value #MAX_CARRY}, {@value #MAX_CARRY}], far from float32's range.
 */
public final class CarryMixerScale implements Pass {
    static final double MIN_SKIP = 1.0 / 16;
    static final double MAX_CARRY = 1e6;

    /** One block in simplify-pool-mixer's form; g and s per channel of x. */
    private record Block(Value x, Node pool, Node poolMul, int gammaSlot, Node mix, Node fc1, Node residual, Node fc2,
                         double[] g, double[] s) {
        /** The block's input now: the end of an earlier segment may have put a Mul in front of it. */
        Value input() {
            return pool.input(0);
        }

        Value out() {
            return residual.output();
        }
    }

    @Override
    public String name() {
        return "carry-mixer-scale";
    }

    @Override
    public String purpose() {
        return "carries V1 pool mixers' skip scale (1-g) down each stage's residual stream into the next Conv (one Mul fewer per block)";
    }

    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public List<String> requires() {
        return List.of("simplify-pool-mixer", "fold-layer-scale");
    }

    @Override
    public PassResult run(Graph g, PassContext ctx) {
        Rewriter rw = new Rewriter(g);
        Map<Value, Block> byOutput = new HashMap<>();
        List<List<Block>> runs = new ArrayList<>();
        Map<Block, List<Block>> runOf = new HashMap<>();
        for (Node n : List.copyOf(g.nodes())) {
            Block b = n.is("Add") ? match(rw, n) : null;
            if (b == null) continue;
            Block before = byOutput.get(b.x());
            List<Block> run = before != null && runOf.containsKey(before) && last(runOf.get(before)) == before
                    ? runOf.get(before) : newRun(runs);
            run.add(b);
            runOf.put(b, run);
            byOutput.put(b.out(), b);
        }
        int carried = 0, ends = 0;
        for (List<Block> run : runs) {
            for (List<Block> seg : segments(run)) {
                boolean needsMul = !readersAbsorb(last(seg).out());
                if (seg.size() == 1 && needsMul) continue;
                rewrite(rw, seg, needsMul);
                carried += seg.size();
                if (needsMul) ends++;
                rw.rewrote();
            }
        }
        return rw.finish(carried + " mixer skip scales carried, " + ends + " Mul added at the ends of runs");
    }

    private static List<Block> newRun(List<List<Block>> runs) {
        List<Block> run = new ArrayList<>();
        runs.add(run);
        return run;
    }

    private static <T> T last(List<T> l) {
        return l.get(l.size() - 1);
    }

    /** Splits a run where a block's skip factor is too small or the carried product would leave its range. */
    private static List<List<Block>> segments(List<Block> run) {
        List<List<Block>> out = new ArrayList<>();
        List<Block> cur = new ArrayList<>();
        double[] carry = null;
        for (Block b : run) {
            if (!safe(b.s())) {
                if (!cur.isEmpty()) out.add(cur);
                cur = new ArrayList<>();
                carry = null;
                continue;
            }
            double[] next = times(carry, b.s());
            if (!inRange(next)) {
                if (!cur.isEmpty()) out.add(cur);
                cur = new ArrayList<>();
                next = times(null, b.s());
            }
            cur.add(b);
            carry = next;
        }
        if (!cur.isEmpty()) out.add(cur);
        return out;
    }

    private static boolean safe(double[] s) {
        for (double v : s) if (!(Math.abs(v) >= MIN_SKIP)) return false;
        return true;
    }

    private static boolean inRange(double[] c) {
        for (double v : c) if (!(Math.abs(v) >= 1 / MAX_CARRY && Math.abs(v) <= MAX_CARRY)) return false;
        return true;
    }

    private static double[] times(double[] carry, double[] s) {
        double[] r = s.clone();
        if (carry != null) for (int i = 0; i < r.length; i++) r[i] *= carry[i];
        return r;
    }

    private static double[] inverse(double[] c) {
        double[] r = new double[c.length];
        for (int i = 0; i < c.length; i++) r[i] = 1.0 / c[i];
        return r;
    }

    private static void rewrite(Rewriter rw, List<Block> seg, boolean needsMul) {
        double[] carry = null;
        for (Block b : seg) {
            carry = times(carry, b.s());
            int c = b.g().length;
            double[] gOverS = new double[c];
            for (int i = 0; i < c; i++) gOverS[i] = b.g()[i] / b.s()[i];
            rw.setWeight(b.poolMul(), b.gammaSlot(), Weights.build(Shape.of(1, c, 1, 1), i -> gOverS[i]));
            rw.rebuild(b.mix(), "Add", List.of(b.poolMul().output(), b.input()), Attributes.EMPTY);
            long bytes = b.fc1().input(1).constant().byteSize() + b.fc2().input(1).constant().byteSize();
            Folding.absorbInput(rw, b.fc1(), carry, null);
            Folding.foldOutput(rw, b.fc2(), inverse(carry), null);
            rw.replacedWeights(bytes); // L7's MLP weights are most of the model: do not hold two copies
        }
        Value end = last(seg).out();
        List<Value.Use> others = new ArrayList<>();
        for (Value.Use u : List.copyOf(end.users())) {
            if (absorbs(u, end)) Folding.absorbInput(rw, u.node(), carry, null);
            else others.add(u);
        }
        if (!needsMul) return;
        double[] k = carry;
        Value factor = rw.constant(last(seg).residual().name() + ".carried_scale", Weights.build(Shape.of(1, k.length, 1, 1), i -> k[i]));
        Value scaled = rw.apply("Mul", last(seg).residual().name() + ".carried", Attributes.EMPTY, end, factor);
        for (Value.Use u : others) rw.graph().setInput(u.node(), u.index(), scaled);
    }

    private static boolean absorbs(Value.Use u, Value v) {
        return u.node().is("Conv") && Folding.canAbsorbInputScale(u.node(), u.index(), v, 1);
    }

    private static boolean readersAbsorb(Value v) {
        if (v.users().isEmpty()) return false;
        for (Value.Use u : v.users()) if (!absorbs(u, v)) return false;
        return true;
    }

    /** mix = Mul(AveragePool(x), g) + Mul(x, s), read only by fc1 (a Conv) and the residual Add with fc2. */
    private static Block match(Rewriter rw, Node mix) {
        for (int side = 0; side < 2; side++) {
            Node poolMul = mix.input(side).producer(), skipMul = mix.input(1 - side).producer();
            if (poolMul == null || skipMul == null || !poolMul.is("Mul") || !skipMul.is("Mul")) continue;
            if (rw.soleUser(poolMul.output()) != mix || rw.soleUser(skipMul.output()) != mix) continue;
            for (int ps = 0; ps < 2; ps++) {
                Node pool = poolMul.input(ps).producer();
                if (pool == null || !pool.is("AveragePool") || rw.soleUser(pool.output()) != poolMul) continue;
                Value x = pool.input(0);
                int xs = skipMul.input(0) == x ? 0 : skipMul.input(1) == x ? 1 : -1;
                if (xs < 0) continue;
                Block b = block(rw, mix, x, pool, poolMul, 1 - ps, skipMul.input(1 - xs));
                if (b != null) return b;
            }
        }
        return null;
    }

    private static Block block(Rewriter rw, Node mix, Value x, Node pool, Node poolMul, int gammaSlot, Value sv) {
        Shape shape = x.shape();
        if (shape.rank() != 4 || x.users().size() != 2 || rw.isOutput(x) || Folding.channelAxis(pool, 4) != 1) return null;
        if (!mix.output().shape().equals(shape) || !poolMul.output().shape().equals(shape)) return null;
        double[] g = perChannel(poolMul.input(gammaSlot), shape), s = perChannel(sv, shape);
        if (g == null || s == null) return null;
        Value m = mix.output();
        if (m.users().size() != 2 || rw.isOutput(m)) return null;
        Node fc1 = null, residual = null;
        for (Value.Use u : m.users()) {
            if (absorbs(u, m) && fc1 == null) fc1 = u.node();
            else if (u.node().is("Add") && residual == null) residual = u.node();
        }
        if (fc1 == null || residual == null || fc1 == residual || !residual.output().shape().equals(shape)) return null;
        Value f = residual.input(0) == m ? residual.input(1) : residual.input(0);
        Node fc2 = f.producer();
        if (fc2 == null || f == m || rw.soleUser(f) != residual || !fc2.is("Conv") || Folding.featureAxis(fc2) != 1) return null;
        if (!Weights.isF32(fc2.input(1).constant()) || (fc2.inputCount() > 2 && !Weights.isF32(fc2.input(2).constant()))) return null;
        return new Block(x, pool, poolMul, gammaSlot, mix, fc1, residual, fc2, g, s);
    }

    private static double[] perChannel(Value v, Shape shape) {
        Tensor t = Weights.constantOf(v);
        return t == null || !Weights.isF32(t) ? null : Weights.perAxis(t, shape, 1);
    }
}
