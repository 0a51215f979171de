package dev.formwork.golden.onnx;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.onnx.OnnxExporter;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import java.io.IOException;
import java.nio.file.Path;

/** Export a loaded model to ONNX the way `convert --passes none` does, and run it on ONNX Runtime. */
final class OnnxArtifacts {
    private OnnxArtifacts() {}

    static ExportOptions options(LoadedModel m, int opset) {
        ExportOptions o = new ExportOptions().withName(m.name()).withOnnxOpset(opset).withMetadata("model", m.name());
        if (m.weightsSha256() != null) o = o.withMetadata("weights_sha256", m.weightsSha256());
        return o;
    }

    static Path export(LoadedModel m, ExportOptions o, Path dir) throws IOException {
        OnnxExporter e = new OnnxExporter();
        Path p = dir.resolve(e.fileName(o.name() + "_" + o.onnxOpset() + "_" + o.precision()));
        e.check(m.graph(), o);
        e.write(m.graph(), o, p);
        return p;
    }

    static NdArray run(Path artifact, NdArray input) {
        try (Session s = Runtimes.open(artifact, RunOptions.defaults())) {
            return s.run(input)[0];
        }
    }
}
