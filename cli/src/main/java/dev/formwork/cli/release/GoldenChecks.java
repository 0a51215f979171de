package dev.formwork.cli.release;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.io.Npy;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Verification;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a job's golden inputs on the artifact's runtime and compares with the stored outputs:
 * within {@code atol} for fp32 artifacts, cosine >= 0.999 and the same top-1 for fp16 ones.
 * Runtimes run single-threaded here so the recorded errors are the same on every machine.
 */
final class GoldenChecks {
    private GoldenChecks() {}

    static List<Object> run(Job job, Path artifact) {
        boolean fp16 = job.target().precision().equals("fp16");
        boolean classifier = job.model().labels() != null && job.target().target().startsWith("coreml");
        RunOptions options = RunOptions.defaults().withThreads(1).withFp16Compute(fp16);
        List<Object> results = new ArrayList<>();
        for (ReleaseFile.Golden g : job.model().golden()) {
            Map<String, Object> r = new TreeMap<>();
            r.put("input", g.input());
            r.put("expected", g.expected());
            r.put("rule", fp16 ? "cosine >= 0.999 and same top-1" : "max abs <= atol");
            if (!fp16) r.put("atol", g.atol());
            try {
                NdArray expected = Npy.read(g.expectedPath());
                // A Core ML classifier's first output is the class probabilities of the first image.
                if (classifier) expected = probabilities(expected);
                Verification.Result v = Verification.verify(artifact, Npy.read(g.inputPath()), expected, fp16, options);
                Comparison c = v.comparison();
                boolean passed = fp16 ? c.withinFp16() : c.maxAbs() <= g.atol();
                r.put("runtime", v.runtime());
                r.put("max_abs", c.maxAbs());
                r.put("max_rel", c.maxRel());
                r.put("cosine", c.cosine());
                r.put("top1_agree", c.top1Agree());
                r.put("rows", c.rows());
                r.put("passed", passed);
            } catch (FormworkException | IllegalArgumentException e) {
                r.put("error", ReleaseFile.firstLine(e.getMessage()));
                r.put("passed", false);
            }
            results.add(r);
        }
        return results;
    }

    static NdArray probabilities(NdArray logits) {
        int k = logits.dim(-1);
        float[] l = logits.data(), p = new float[k];
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int i = 0; i < k; i++) max = Math.max(max, l[i]);
        for (int i = 0; i < k; i++) sum += Math.exp(l[i] - max);
        for (int i = 0; i < k; i++) p[i] = (float) (Math.exp(l[i] - max) / sum);
        return NdArray.of(new int[] {k}, p);
    }
}
