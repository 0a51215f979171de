package dev.formwork.cli.release;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.Parallel;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Verification;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's {@code --verify}: the artifact on its runtime against the reference interpreter on
 * the seeded input, with the rule {@code convert --verify} uses. Unlike {@code convert}, both
 * run on one thread: the manifest records the errors, and it must be the same bytes on every
 * machine and whatever ran before in the process, which multi-threaded kernels do not promise
 * to the last bit.
 */
final class ReferenceCheck {
    /** The reference input and output of one model build, for the model's other targets. */
    private record Reference(String key, NdArray input, NdArray output) {}

    /**
     * The last model's reference: jobs run most expensive first and a model's jobs cost the same,
     * so in one process a model's targets follow each other and share one interpreter run.
     */
    private static Reference last;

    private ReferenceCheck() {}

    static Map<String, Object> run(Job job, Path artifact) {
        ReleaseFile.Model m = job.model();
        boolean fp16 = job.target().precision().equals("fp16");
        boolean coreml = job.target().target().startsWith("coreml");
        boolean image = coreml && "image".equals(job.target().options().get("coreml_input"));
        long seed = m.seed() == null ? 0 : m.seed();
        Reference ref = reference(m, image, seed);
        NdArray expected = ref.output();
        // A Core ML classifier's first output is the class probabilities of the first image.
        if (coreml && m.labels() != null) expected = GoldenChecks.probabilities(expected);
        Verification.Result v = Verification.verify(artifact, ref.input(), expected, fp16,
                RunOptions.defaults().withThreads(1).withFp16Compute(fp16));
        Comparison c = v.comparison();
        Map<String, Object> o = new TreeMap<>();
        o.put("runtime", v.runtime());
        o.put("max_abs", c.maxAbs());
        o.put("max_rel", c.maxRel());
        o.put("max_abs_reference", c.maxAbsReference());
        o.put("cosine", c.cosine());
        o.put("top1_agree", c.top1Agree());
        o.put("rows", c.rows());
        o.put("rule", v.rule());
        o.put("passed", v.passed());
        return o;
    }

    private static synchronized Reference reference(ReleaseFile.Model m, boolean image, long seed) {
        String key = String.join("|", m.modelArg(), String.valueOf(m.sourceSha256()), String.valueOf(m.weightsSha256()),
                Long.toString(seed), Integer.toString(m.batch()), String.valueOf(m.imageSize()), Boolean.toString(image));
        if (last != null && last.key().equals(key)) return last;
        last = null;
        int threads = Parallel.threads();
        Parallel.setThreads(1);
        try {
            Graph g = Models.load(m.modelArg(), new LoadOptions(m.batch(), m.imageSize(), m.weightsPath(), seed)).graph();
            if (image) {
                NdArray[] r = Verification.imageReference(g, seed, floats(g, "input_mean", "0.485,0.456,0.406"),
                        floats(g, "input_std", "0.229,0.224,0.225"));
                last = new Reference(key, r[0], r[2]);
            } else {
                NdArray[] r = Verification.reference(g, seed);
                last = new Reference(key, r[0], r[1]);
            }
            return last;
        } finally {
            Parallel.setThreads(threads);
        }
    }

    private static float[] floats(Graph g, String key, String fallback) {
        String[] parts = g.metadata().getOrDefault(key, fallback).split(",");
        float[] f = new float[parts.length];
        for (int i = 0; i < parts.length; i++) f[i] = Float.parseFloat(parts[i].trim());
        return f;
    }
}
