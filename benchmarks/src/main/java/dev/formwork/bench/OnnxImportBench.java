package dev.formwork.bench;

import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.Models;
import dev.formwork.frontends.onnx.OnnxWireReader;
import dev.formwork.ir.Graph;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import dev.formwork.runtimes.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Section 5: ONNX import as an ONNX cleaner. The golden cases' torch.onnx.export files are
 * imported, run through the onnx target's default pipeline and written again; both files are
 * timed on ONNX Runtime at one thread, open together and alternated so load hits both alike.
 */
final class OnnxImportBench {
    static final List<String> FILES = List.of("tiny_v1_64/torch_opset17.onnx", "tiny_v2_64/torch_opset17.onnx", "s0_224/torch_opset17.onnx");

    private final BenchConfig cfg;

    OnnxImportBench(BenchConfig cfg) {
        this.cfg = cfg;
    }

    Section run() throws Exception {
        Section s = new Section("onnx-import", "5. ONNX import: torch.onnx.export files vs Formwork's re-export on ONNX Runtime");
        int warm = cfg.warmup(10, 3), runs = cfg.runs(50, 10), blocks = cfg.runs(5, 2);
        s.method("Each file is a golden case's `torch.onnx.export` output (PyTorch 1.13, opset 17, testdata/golden/README.md; "
                + "batch 2 for the tiny cases, 1 for s0_224). It is imported (`Models.load`), the onnx target's `default` pipeline runs, "
                + "and the result is written at opset 17 as `convert --target onnx` does, and at opset 20 (`--opset 20`, native Gelu). "
                + "The three files are opened on ONNX Runtime's CPU "
                + "execution provider with 1 intra-op thread and timed in alternation, one run of each per round, on one seeded gaussian "
                + "input: " + warm + " warm-up runs, then " + blocks + " blocks of " + runs + " counted runs each; median, min and max of "
                + "`Session.run` over all blocks. Nodes are counted in each file's graph. Ratio = torch median / Formwork median "
                + "within a block (above 1: the re-export is faster); the table gives the median of the blocks' ratios and their "
                + "range, and the target (the ONNX import issue: the re-export runs at least as fast) is Formwork / torch <= 1 "
                + "on that median.");
        s.method("The three files are timed in the same rounds, so a busy machine slows them alike; the ratios are the figures to compare.");
        Table t = s.table("onnx-import", "torch.onnx.export vs Formwork re-export, ONNX Runtime, 1 thread")
                .column("file", "file")
                .column("torch_nodes", "torch nodes")
                .column("formwork_nodes", "Formwork nodes")
                .column("torch_ms", "torch ms (median)", Fmt.median())
                .column("formwork_ms", "Formwork ms (median)", Fmt.median())
                .column("formwork_ms", "Formwork min", Fmt.min())
                .column("formwork_ms", "Formwork max", Fmt.max())
                .column("ratio", "ratio", Fmt::ratio)
                .column("ratio_range", "ratio over blocks")
                .column("target", "Formwork / torch")
                .column("formwork20_nodes", "opset-20 nodes")
                .column("formwork20_ms", "opset-20 ms (median)", Fmt.median())
                .column("ratio20", "opset-20 ratio", Fmt::ratio);
        for (String f : FILES) {
            Path torch = cfg.repo.resolve("testdata/golden").resolve(f);
            Graph g = Models.load(torch.toString(), LoadOptions.defaults()).graph();
            String name = f.replace("/torch_opset17.onnx", "") + "-reexport";
            Path mine = Exports.export(g, "onnx", "default", Exports.options(g, name, null), cfg.work.resolve("onnx-import"));
            Path mine20 = Exports.export(g, "onnx", "default", Exports.options(g, name + "-opset20", null).withOnnxOpset(20),
                    cfg.work.resolve("onnx-import"));
            List<Stats> ms = new ArrayList<>();
            double[][] ratios = timeInBlocks(List.of(torch, mine, mine20), warm, runs, blocks, ms);
            Map<String, Object> r = t.row();
            r.put("file", f);
            r.put("torch_nodes", OnnxWireReader.read(torch).graph().nodes().size());
            r.put("formwork_nodes", OnnxWireReader.read(mine).graph().nodes().size());
            r.put("torch_ms", ms.get(0));
            r.put("formwork_ms", ms.get(1));
            double ratio = median(ratios[0]);
            r.put("ratio", ratio);
            r.put("ratio_range", Fmt.num(Arrays.stream(ratios[0]).min().orElse(0)) + "-" + Fmt.num(Arrays.stream(ratios[0]).max().orElse(0)) + "x");
            r.put("target", new Verdict("", 1 / ratio, 1.0, "x"));
            r.put("formwork20_nodes", OnnxWireReader.read(mine20).graph().nodes().size());
            r.put("formwork20_ms", ms.get(2));
            r.put("ratio20", median(ratios[1]));
        }
        return s;
    }

    /**
     * Opens the files once and times them alternating, in {@code blocks} rounds of {@code runs};
     * fills {@code pooled} with each file's samples over all blocks and returns, per file after
     * the first, the first file's median over its median in each block.
     */
    private static double[][] timeInBlocks(List<Path> files, int warm, int runs, int blocks, List<Stats> pooled) throws Exception {
        List<Session> sessions = new ArrayList<>();
        try {
            List<Sampler.Body> bodies = new ArrayList<>();
            for (Path f : files) {
                Session s = Exports.open(f, 1);
                sessions.add(s);
                NdArray x = SeededInput.gaussian(s.inputs().get(0).shape().toArray(), 1);
                bodies.add(() -> s.run(x));
            }
            double[][] ratios = new double[files.size() - 1][blocks];
            List<List<Double>> all = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) all.add(new ArrayList<>());
            for (int b = 0; b < blocks; b++) {
                List<Stats> ms = Sampler.alternating(b == 0 ? warm : 0, runs, bodies);
                for (int i = 0; i < files.size(); i++) for (double v : ms.get(i).samples()) all.get(i).add(v);
                for (int i = 1; i < files.size(); i++) ratios[i - 1][b] = ms.get(0).median() / ms.get(i).median();
            }
            for (List<Double> a : all) pooled.add(Stats.of(a));
            return ratios;
        } finally {
            for (Session s : sessions) s.close();
        }
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        int n = c.length;
        return n % 2 == 1 ? c[n / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
    }
}
