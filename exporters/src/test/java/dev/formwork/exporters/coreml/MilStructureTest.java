package dev.formwork.exporters.coreml;

import static dev.formwork.exporters.coreml.CoreMlFiles.arg;
import static dev.formwork.exporters.coreml.CoreMlFiles.bools;
import static dev.formwork.exporters.coreml.CoreMlFiles.dims;
import static dev.formwork.exporters.coreml.CoreMlFiles.dtype;
import static dev.formwork.exporters.coreml.CoreMlFiles.first;
import static dev.formwork.exporters.coreml.CoreMlFiles.ints;
import static dev.formwork.exporters.coreml.CoreMlFiles.main;
import static dev.formwork.exporters.coreml.CoreMlFiles.model;
import static dev.formwork.exporters.coreml.CoreMlFiles.opTypes;
import static dev.formwork.exporters.coreml.CoreMlFiles.str;
import static dev.formwork.exporters.coreml.CoreMlFiles.val;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ML Program structure per op family, read back from the written package. */
class MilStructureTest {
    @TempDir Path dir;

    private static final ExportOptions FP32 = new ExportOptions().withPrecision(ExportOptions.Precision.FP32, true);

    private Block write(Graph g, ExportOptions o) throws Exception {
        return main(model(CoreMlFiles.mlpackage(g, o.withName(g.name()), dir)));
    }

    @Test
    void convUsesMilPadOrderAndExplicitParameters() throws Exception {
        Random r = new Random(5);
        Graph g = new Graph("conv");
        Value x = g.addInput("x", ValueType.f32(1, 4, 9, 9));
        g.addOutput(g.apply("Conv", "c", Attributes.of("strides", new long[] {2, 1}, "pads", new long[] {1, 2, 0, 3},
                "dilations", new long[] {1, 2}, "groups", 2L), x, g.addConstant("w", TinyGraphs.random(r, 6, 2, 3, 3)),
                g.addConstant("b", TinyGraphs.random(r, 6))));
        Block b = write(g, FP32);
        Operation conv = first(b, "conv");
        assertEquals(List.of(1, 0, 2, 3), ints(val(b, conv, "pad")), "MIL pad is [top, bottom, left, right]");
        assertEquals("custom", str(val(b, conv, "pad_type")));
        assertEquals(List.of(2, 1), ints(val(b, conv, "strides")));
        assertEquals(List.of(1, 2), ints(val(b, conv, "dilations")));
        assertEquals(List.of(2), ints(val(b, conv, "groups")));
        assertEquals(List.of(6L, 2L, 3L, 3L), dims(val(b, conv, "weight")));
        assertTrue(val(b, conv, "weight").hasBlobFileValue());
        assertEquals(List.of("conv"), opTypes(b));
    }

    @Test
    void avgPoolExcludesPadding() throws Exception {
        Block b = write(TinyGraphs.meta4d(), FP32);
        Operation pool = first(b, "avg_pool");
        assertEquals(List.of(true), bools(val(b, pool, "exclude_padding_from_average")));
        assertEquals(List.of(1, 1, 1, 1), ints(val(b, pool, "pad")));
        assertEquals(List.of(3, 3), ints(val(b, pool, "kernel_sizes")));
        assertEquals(List.of(false), bools(val(b, pool, "ceil_mode")));
        Operation mean = first(b, "reduce_mean");
        assertEquals(List.of(2, 3), ints(val(b, mean, "axes")));
        assertEquals(List.of(false), bools(val(b, mean, "keep_dims")));
        assertEquals("EXACT", str(val(b, first(b, "gelu"), "mode")));
    }

    @Test
    void linearKeepsPyTorchLayoutAndFallsBackToMatmulAboveRank3() throws Exception {
        Random r = new Random(6);
        Graph g = new Graph("lin");
        Value x = g.addInput("x", ValueType.f32(1, 2, 3, 4));
        Value w = g.addConstant("w", TinyGraphs.random(r, 5, 4));
        Value y4 = g.apply("Linear", "l4", x, w, g.addConstant("b", TinyGraphs.random(r, 5)));
        Value y3 = g.apply("Linear", "l3", g.apply("Reshape", "r", Attributes.of("shape", new long[] {1, 6, 4}), x), w);
        g.addOutput(y4);
        g.addOutput(y3);
        Block b = write(g, FP32);
        Operation lin = first(b, "linear");
        assertEquals(List.of(5L, 4L), dims(val(b, lin, "weight")));
        assertEquals(List.of(5L), dims(val(b, lin, "bias")), "a missing bias is passed as explicit zeros");
        Operation mm = first(b, "matmul");
        assertEquals(List.of(true), bools(val(b, mm, "transpose_y")));
        assertEquals(List.of(false), bools(val(b, mm, "transpose_x")));
        assertTrue(opTypes(b).contains("add"));
    }

    @Test
    void attentionFoldsTheBiasGatherAndKeepsHeadsInOrder() throws Exception {
        Block b = write(TinyGraphs.attention(), FP32);
        assertFalse(opTypes(b).contains("gather"));
        Operation add = first(b, "add");
        Operation bias = CoreMlFiles.producer(b, arg(add, "y"));
        assertEquals("const", bias.getType());
        assertEquals(List.of(2L, 4L, 4L), dims(bias.getAttributesOrThrow("val")));
        Operation split = first(b, "split");
        assertEquals(List.of(2, 2, 4), ints(val(b, split, "split_sizes")));
        assertEquals(List.of(3), ints(val(b, split, "axis")));
        assertEquals(3, split.getOutputsCount());
        Operation ln = first(b, "layer_norm");
        assertEquals(List.of(2), ints(val(b, ln, "axes")));
        assertEquals(List.of(8L), dims(val(b, ln, "gamma")));
        assertEquals(List.of(3), ints(val(b, first(b, "softmax"), "axis")));
        assertEquals(List.of(0, 2, 1, 3), ints(val(b, first(b, "transpose"), "perm")));
        assertEquals(List.of(1, 4, 2, 8), ints(val(b, first(b, "reshape"), "shape")));
    }

    @Test
    void upsampleIsHalfPixelOnEveryTarget() throws Exception {
        for (int ios = 15; ios <= 18; ios++) {
            Block b = write(TinyGraphs.v2Bits(), FP32.withCoremlMinIos(ios));
            Operation up = first(b, "upsample_bilinear");
            assertEquals(List.of(false), bools(val(b, up, "align_corners")));
            assertEquals(DataType.FLOAT32, dtype(val(b, up, "scale_factor_height")));
            assertEquals(2f, val(b, up, "scale_factor_width").getImmediateValue().getTensor().getFloats().getValues(0));
            assertEquals(ios >= 16, up.getInputsMap().containsKey("half_pixel_centers"), "iOS " + ios);
            if (ios >= 16) assertEquals(List.of(true), bools(val(b, up, "half_pixel_centers")));
        }
    }

    @Test
    void spaceToDepthSliceConcat() throws Exception {
        Block b = write(TinyGraphs.v2Bits(), FP32);
        assertEquals(List.of(2), ints(val(b, first(b, "space_to_depth"), "block_size")));
        Operation sl = first(b, "slice_by_index");
        assertEquals(List.of(0, 2, 0, 0), ints(val(b, sl, "begin")));
        assertEquals(List.of(1, 29, 4, 4), ints(val(b, sl, "end")));
        assertEquals(List.of(1, 2, 1, 1), ints(val(b, sl, "stride")));
        Operation cat = first(b, "concat");
        assertEquals(2, cat.getInputsOrThrow("values").getArgumentsCount());
        assertEquals(List.of(false), bools(val(b, cat, "interleave")));
        assertEquals(List.of(1), ints(val(b, cat, "axis")));
        assertTrue(opTypes(b).containsAll(List.of("erf", "tanh", "sigmoid", "sqrt", "real_div")));
    }

    @Test
    void batchNormNativeForRank4AndFoldedForRank2() throws Exception {
        Block b4 = write(TinyGraphs.stem(1), FP32);
        Operation bn = first(b4, "batch_norm");
        assertEquals(List.of(8L), dims(val(b4, bn, "variance")));
        Random r = new Random(7);
        Graph g = new Graph("bn2");
        Value x = g.addInput("x", ValueType.f32(2, 8));
        g.addOutput(g.apply("BatchNorm", "bn", x, g.addConstant("g", TinyGraphs.positive(r, 8)), g.addConstant("b", TinyGraphs.random(r, 8)),
                g.addConstant("m", TinyGraphs.random(r, 8)), g.addConstant("v", TinyGraphs.positive(r, 8))));
        assertEquals(List.of("mul", "add"), opTypes(write(g, FP32)));
    }

    @Test
    void geluModeFollowsTheGraphOrTheOption() throws Exception {
        Graph g = new Graph("g");
        Value x = g.addInput("x", ValueType.f32(1, 4));
        g.addOutput(g.apply("Gelu", "a", Attributes.of("approximate", "tanh"), x));
        assertEquals("TANH_APPROXIMATION", str(val(write(g, FP32), first(write(g, FP32), "gelu"), "mode")));
        Block b = write(TinyGraphs.meta4d(), FP32.withGelu("sigmoid"));
        assertEquals("SIGMOID_APPROXIMATION", str(val(b, first(b, "gelu"), "mode")));
    }

    @Test
    void specVersionAndOpsetFollowTheTarget() throws Exception {
        String[] opsets = {"CoreML5", "CoreML6", "CoreML7", "CoreML8"};
        for (int ios = 15; ios <= 18; ios++) {
            Model m = model(CoreMlFiles.mlpackage(TinyGraphs.stem(1), new ExportOptions().withName("s" + ios).withCoremlMinIos(ios), dir));
            assertEquals(ios - 9, m.getSpecificationVersion());
            var f = m.getMlProgram().getFunctionsOrThrow("main");
            assertEquals(opsets[ios - 15], f.getOpset());
            assertEquals(List.of(opsets[ios - 15]), List.copyOf(f.getBlockSpecializationsMap().keySet()));
            assertEquals(1, m.getMlProgram().getVersion());
            assertEquals(List.of("main"), List.copyOf(m.getMlProgram().getFunctionsMap().keySet()));
        }
        for (int bad : new int[] {14, 19}) {
            assertThrows(FormworkException.class, () -> new MlProgramExporter().check(TinyGraphs.stem(1), new ExportOptions().withCoremlMinIos(bad)));
        }
    }

    @Test
    void refusesNhwcNodesAndNonConstantNormParameters() {
        Graph g = new Graph("nhwc");
        Value x = g.addInput("x", ValueType.f32(1, 4, 4, 2));
        g.addOutput(g.apply("AveragePool", "p", Attributes.of("kernel", new long[] {1, 1}, "layout", "NHWC"), x));
        var e = assertThrows(FormworkException.class, () -> new MlProgramExporter().check(g, new ExportOptions()));
        assertTrue(e.getMessage().contains("node p (AveragePool)"), e.getMessage());
        Graph h = new Graph("ln");
        Value y = h.addInput("y", ValueType.f32(1, 4));
        Value gamma = h.addInput("gamma", ValueType.f32(4));
        h.addOutput(h.apply("LayerNorm", "ln", y, gamma, h.addConstant("beta", Tensor.ofFloats(dev.formwork.ir.Shape.of(4), 0, 0, 0, 0))));
        e = assertThrows(FormworkException.class, () -> new MlProgramExporter().check(h, new ExportOptions()));
        assertTrue(e.getMessage().startsWith("node ln (LayerNorm)"), e.getMessage());
    }

    @Test
    void resizeWithAnInexactScaleIsRefused() {
        Graph g = new Graph("rs");
        Value x = g.addInput("x", ValueType.f32(1, 1, 5, 5));
        g.addOutput(g.apply("Resize", "up", Attributes.of("scales", new double[] {1.5, 1.5}), x));
        var e = assertThrows(FormworkException.class, () -> new MlProgramExporter().check(g, new ExportOptions()));
        assertTrue(e.getMessage().contains("node up (Resize)"), e.getMessage());
    }
}
