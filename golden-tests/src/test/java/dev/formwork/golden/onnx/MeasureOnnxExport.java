package dev.formwork.golden.onnx;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.onnx.OnnxExporter;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prints what the ONNX exporter produces for zoo models (seed 0, batch 1, passes off): node
 * count, op histogram, file size and the median export time of a few runs. A measurement, not a
 * test: {@code java -cp ... dev.formwork.golden.onnx.MeasureOnnxExport [RUNS] MODEL...}.
 */
public final class MeasureOnnxExport {
    private MeasureOnnxExport() {}

    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path dir = Files.createTempDirectory("onnx-measure");
        for (String model : Arrays.copyOfRange(args, 1, args.length)) {
            LoadedModel m = Models.load(model, LoadOptions.defaults());
            ExportOptions o = OnnxArtifacts.options(m, 17);
            Path p = dir.resolve(model + ".onnx");
            double[] secs = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                new OnnxExporter().write(m.graph(), o, p);
                secs[r] = (System.nanoTime() - t0) / 1e9;
            }
            Arrays.sort(secs);
            var g = new OnnxExporter().toModel(m.graph(), o).getGraph();
            Map<String, Integer> ops = new TreeMap<>();
            g.getNodeList().forEach(n -> ops.merge(n.getOpType(), 1, Integer::sum));
            System.out.printf("%s opset 17: %d IR nodes -> %d ONNX nodes, %d initializers, %d bytes; export median %.3f s of %s%n  ops %s%n",
                    model, m.graph().nodeCount(), g.getNodeCount(), g.getInitializerCount(), Files.size(p), secs[runs / 2],
                    Arrays.toString(secs), ops);
            Files.delete(p);
        }
    }
}
