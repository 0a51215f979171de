package dev.formwork.runtimes;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import dev.formwork.ir.op.ShapeOps;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code --verify}: runs a written artifact on its runtime and the reference interpreter on the
 * same seeded input and compares the first outputs. The reference is the graph as loaded (before
 * any pass), so the check covers the passes and the exporter together.
 *
 * <p>fp32 artifacts must be within 1e-4 * max|ref| + 1e-5; fp16 ones need cosine >= 0.999 and the
 * same top-1 on every batch item.
 */
public final class Verification {
    /** The outcome for one artifact. */
    public record Result(String runtime, Comparison comparison, boolean fp16, boolean passed) {
        public String rule() {
            return fp16 ? "cosine >= 0.999 and same top-1" : "max abs <= 1e-4 * max|ref| + 1e-5";
        }
    }

    private Verification() {}

    /**
     * Runs {@code artifact} on {@code input} (NCHW: the normalised tensor, or raw pixels for an
     * image input; transposed here when the artifact takes NHWC) and compares with
     * {@code referenceOutput}.
     */
    public static Result verify(Path artifact, NdArray input, NdArray referenceOutput, boolean fp16, RunOptions options) {
        ArtifactRuntime rt = Runtimes.forArtifact(artifact);
        NdArray fed = input;
        try (Session s = rt.open(artifact, options)) {
            int[] want = s.inputs().get(0).shape().toArray();
            NdArray in = fed;
            if (!Arrays.equals(want, fed.shape())) {
                NdArray nhwc = ShapeOps.permute(fed, new int[] {0, 2, 3, 1});
                if (!Arrays.equals(want, nhwc.shape())) {
                    throw new FormworkException(artifact + ": input shape " + Arrays.toString(want)
                            + " is neither the model's NCHW " + Arrays.toString(fed.shape()) + " nor its NHWC form");
                }
                in = nhwc;
            }
            NdArray got = s.run(in)[0];
            // An artifact that takes NHWC gives its 4-D outputs in NHWC too (a model ending in a
            // feature map rather than logits): compare them in the reference's NCHW.
            if (in != fed && got.shape().length == 4) got = ShapeOps.permute(got, new int[] {0, 3, 1, 2});
            if (!Arrays.equals(got.shape(), referenceOutput.shape())) {
                throw new FormworkException(artifact + ": output shape " + Arrays.toString(got.shape())
                        + " differs from the reference interpreter's " + Arrays.toString(referenceOutput.shape()));
            }
            Comparison c = Comparison.of(got, referenceOutput);
            boolean ok = fp16 ? c.withinFp16() : c.withinFp32();
            return new Result(rt.name(), c, fp16, ok);
        }
    }

    /** The seeded reference pair for a graph: input (normalised NCHW) and the interpreter's output. */
    public static NdArray[] reference(Graph graph, long seed) {
        NdArray x = SeededInput.gaussian(graph.input(0).shape().toArray(), seed);
        return new NdArray[] {x, new Interpreter(graph).run(x)[0]};
    }

    /** For image inputs: raw pixels, and the normalised tensor the reference graph takes. */
    public static NdArray[] imageReference(Graph graph, long seed, float[] mean, float[] std) {
        int[] shape = graph.input(0).shape().toArray();
        NdArray pixels = SeededInput.pixels(shape, seed);
        float[] p = pixels.data(), x = new float[p.length];
        int plane = shape[2] * shape[3];
        for (int i = 0; i < p.length; i++) {
            int c = (i / plane) % shape[1];
            x[i] = (p[i] / 255f - mean[c]) / std[c];
        }
        NdArray norm = NdArray.of(shape, x);
        return new NdArray[] {pixels, norm, new Interpreter(graph).run(norm)[0]};
    }
}
