package dev.formwork.cli.release;

import dev.formwork.exporters.Exporters;
import dev.formwork.exporters.FormworkVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One model x target x precision of a release. Its name ({@code l1/tflite-fp16}) is where its
 * artifact lands; its id is the sha256 of everything that decides the artifact and its checks
 * (the model entry with the hashes of its files, the target entry with defaults filled in, the
 * Formwork version), so an unchanged id means an unchanged artifact.
 */
record Job(ReleaseFile.Model model, ReleaseFile.Target target, String id, JobCost cost) {
    static List<Job> plan(ReleaseFile release) {
        List<Job> jobs = new ArrayList<>();
        for (ReleaseFile.Model m : release.models()) {
            JobCost cost = JobCost.estimate(m);
            for (ReleaseFile.Target t : release.targets()) jobs.add(new Job(m, t, id(m, t), cost));
        }
        jobs.sort((a, b) -> a.name().compareTo(b.name()));
        return List.copyOf(jobs);
    }

    String name() {
        return model.name() + "/" + target.target() + "-" + target.precision();
    }

    /** The artifact's path relative to the output folder, with '/' separators. */
    String artifactPath() {
        return name() + "/" + Exporters.forTarget(target.target()).fileName(model.name());
    }

    /** File-name-safe form of the name, for staging folders and result files. */
    String fileKey() {
        return name().replace('/', '_');
    }

    /** What the job is built from, as recorded in the manifest and hashed into the id. */
    static Map<String, Object> inputs(ReleaseFile.Model m, ReleaseFile.Target t) {
        Map<String, Object> model = new TreeMap<>();
        model.put("name", m.name());
        model.put("model", m.model());
        model.put("model_sha256", m.sourceSha256());
        model.put("weights_sha256", m.weightsSha256());
        model.put("seed", m.seed());
        model.put("batch", m.batch());
        model.put("image_size", m.imageSize());
        model.put("labels_sha256", m.labelsSha256());
        List<Object> golden = new ArrayList<>();
        for (ReleaseFile.Golden g : m.golden()) {
            Map<String, Object> gj = new TreeMap<>();
            gj.put("input_sha256", g.inputSha256());
            gj.put("expected_sha256", g.expectedSha256());
            gj.put("atol", g.atol());
            golden.add(gj);
        }
        model.put("golden", golden);
        Map<String, Object> o = new TreeMap<>();
        o.put("model", model);
        o.put("options", options(t));
        o.put("formwork_version", FormworkVersion.VERSION);
        return o;
    }

    /** The target entry as the manifest records it: target, precision and every option. */
    static Map<String, Object> options(ReleaseFile.Target t) {
        Map<String, Object> o = new TreeMap<>(t.options());
        o.put("target", t.target());
        o.put("precision", t.precision());
        return o;
    }

    private static String id(ReleaseFile.Model m, ReleaseFile.Target t) {
        return Hashing.sha256(CanonicalJson.bytes(inputs(m, t)));
    }
}
