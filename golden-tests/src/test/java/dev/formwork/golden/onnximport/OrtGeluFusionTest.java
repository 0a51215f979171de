package dev.formwork.golden.onnximport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.formwork.proto.onnx.OnnxProto.ModelProto;
import dev.formwork.proto.onnx.OnnxProto.NodeProto;
import dev.formwork.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Why the re-export of a torch.onnx.export file is not slower on ONNX Runtime: at the default
 * opset 17 every exact GELU is written in the form ONNX Runtime's GeluFusion recognises, so the
 * session runs one fused Gelu kernel per GELU, as it does for PyTorch's own file. Checked on the
 * graph ONNX Runtime itself writes after its extended optimisations (no Erf left, one
 * com.microsoft Gelu per Erf of the torch file).
 */
class OrtGeluFusionTest {
    private static Map<String, Integer> optimizedOps(Path model, Path optimized) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(1);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
            o.setOptimizedModelFilePath(optimized.toString());
            env.createSession(model.toString(), o).close();
        }
        return ops(optimized);
    }

    private static Map<String, Integer> ops(Path model) throws Exception {
        Map<String, Integer> h = new TreeMap<>();
        for (NodeProto n : ModelProto.parseFrom(Files.readAllBytes(model)).getGraph().getNodeList()) {
            h.merge((n.getDomain().isEmpty() ? "" : n.getDomain() + ".") + n.getOpType(), 1, Integer::sum);
        }
        return h;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_v1_64", "tiny_v2_64", "s0_224"})
    void everyGeluOfTheReexportIsFusedAsInTorchsFile(String golden, @TempDir Path dir) throws Exception {
        Path torch = TestData.golden(golden).resolve("torch_opset17.onnx");
        TorchOnnxImportTest.cli("convert", torch.toString(), "--target", "onnx", "--out", dir.toString(), "--name", "m");
        int gelus = ops(torch).getOrDefault("Erf", 0);
        assertTrue(gelus > 0, golden + ": the torch file has no Erf");
        Map<String, Integer> fromTorch = optimizedOps(torch, dir.resolve("torch-opt.onnx"));
        Map<String, Integer> fromFormwork = optimizedOps(dir.resolve("m.onnx"), dir.resolve("m-opt.onnx"));
        System.out.printf("%s: %d GELUs; ONNX Runtime's graph from torch %s%n    from the re-export %s%n", golden, gelus, fromTorch, fromFormwork);
        assertEquals(gelus, fromTorch.getOrDefault("com.microsoft.Gelu", 0), "torch file");
        assertEquals(gelus, fromFormwork.getOrDefault("com.microsoft.Gelu", 0), "re-export");
        assertEquals(0, fromFormwork.getOrDefault("Erf", 0), "unfused Erf in the re-export");
    }
}
