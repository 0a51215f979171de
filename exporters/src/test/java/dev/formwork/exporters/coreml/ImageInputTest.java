package dev.formwork.exporters.coreml;

import static dev.formwork.exporters.coreml.CoreMlFiles.arg;
import static dev.formwork.exporters.coreml.CoreMlFiles.first;
import static dev.formwork.exporters.coreml.CoreMlFiles.main;
import static dev.formwork.exporters.coreml.CoreMlFiles.model;
import static dev.formwork.exporters.coreml.CoreMlFiles.opTypes;
import static dev.formwork.exporters.coreml.CoreMlFiles.val;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ImageFeatureType;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkImageShapeMapping;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image inputs: Core ML applies {@code pixel/255 - mean} itself, the writers fold {@code 1/std}
 * into the stem. Checked numerically with the reference interpreter: the rewritten graph on
 * Core ML's preprocessed pixels equals the original graph on the normalised tensor.
 */
class ImageInputTest {
    @TempDir Path dir;

    private static final ExportOptions IMAGE = new ExportOptions().withCoremlInput("image");

    /** Random pixels 0..255 of the input's shape. */
    private static NdArray pixels(Graph g, long seed) {
        int[] s = g.input(0).shape().toArray();
        float[] v = new float[(int) NdArray.numel(s)];
        Random r = new Random(seed);
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(256);
        return NdArray.of(s, v);
    }

    /** (x/255 - mean) / std, in double, rounded once: what a MultiArray user would feed. */
    private static NdArray normalised(NdArray x, float[] mean, float[] std) {
        float[] d = x.data(), out = new float[d.length];
        int hw = x.dim(2) * x.dim(3);
        for (int i = 0; i < d.length; i++) {
            int c = (i / hw) % 3;
            out[i] = (float) ((d[i] / 255.0 - mean[c]) / std[c]);
        }
        return NdArray.of(x.shape(), out);
    }

    /** pixel * (1/255) + (-mean), in float32, as Core ML's preprocessing computes it. */
    private static NdArray coreMlPreprocessed(NdArray x, float[] mean) {
        float[] d = x.data(), out = new float[d.length];
        int hw = x.dim(2) * x.dim(3);
        for (int i = 0; i < d.length; i++) out[i] = d[i] * ImageInput.SCALE + -mean[(i / hw) % 3];
        return NdArray.of(x.shape(), out);
    }

    private static double maxAbs(NdArray a) {
        double m = 0;
        for (float v : a.data()) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static void assertFoldExact(Graph g, float[] mean, float[] std, boolean expectMul) {
        Graph folded = ExportPrep.prepare(g);
        ImageInput.foldStd(folded, std);
        assertEquals(expectMul, folded.nodes().stream().anyMatch(n -> n.name().endsWith("_div_std")), g.name());
        NdArray x = pixels(g, 11);
        NdArray ref = new Interpreter(g).run(normalised(x, mean, std))[0];
        NdArray got = new Interpreter(folded).run(coreMlPreprocessed(x, mean))[0];
        double tol = 1e-5 * maxAbs(ref) + 1e-6;
        float[] a = ref.data(), b = got.data();
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], tol, g.name() + " element " + i);
    }

    @Test
    void stdFoldedIntoTheStemIsExactIncludingTheBorder() {
        assertFoldExact(TinyGraphs.stem(1), CoreMlSettings.IMAGENET_MEAN, CoreMlSettings.IMAGENET_STD, false);
    }

    @Test
    void groupedStemAndNonConvReadersAreHandled() {
        Random r = new Random(9);
        Graph dw = new Graph("dw");
        Value x = dw.addInput("image", ValueType.f32(1, 3, 8, 8));
        dw.addOutput(dw.apply("Conv", "c", Attributes.of("pads", new long[] {1, 1, 1, 1}, "groups", 3L), x,
                dw.addConstant("w", TinyGraphs.random(r, 6, 1, 3, 3))));
        assertFoldExact(dw, CoreMlSettings.IMAGENET_MEAN, CoreMlSettings.IMAGENET_STD, false);
        Graph add = new Graph("add");
        Value y = add.addInput("image", ValueType.f32(1, 3, 4, 4));
        Value c = add.apply("Conv", "c", y, add.addConstant("w", TinyGraphs.random(r, 3, 3, 1, 1)));
        add.addOutput(add.apply("Add", "skip", c, y));
        assertFoldExact(add, new float[] {0.5f, 0.25f, 0.125f}, new float[] {0.5f, 2f, 0.3f}, true);
    }

    @Test
    void mlProgramPreprocessesInFloat32BeforeTheFp16Cast() throws Exception {
        Graph g = TinyGraphs.stem(1);
        var m = model(CoreMlFiles.mlpackage(g, IMAGE.withName("img"), dir));
        var in = m.getDescription().getInput(0);
        ImageFeatureType it = in.getType().getImageType();
        assertEquals(ImageFeatureType.ColorSpace.RGB, it.getColorSpace());
        assertEquals(16, it.getWidth());
        assertEquals(16, it.getHeight());
        Block b = main(m);
        assertEquals(List.of("mul", "add", "cast", "conv", "batch_norm", "relu", "cast"), opTypes(b));
        Operation mul = first(b, "mul");
        assertEquals(in.getName(), arg(mul, "x"));
        assertEquals(1f / 255f, val(b, mul, "y").getImmediateValue().getTensor().getFloats().getValues(0));
        Operation add = first(b, "add");
        assertEquals(List.of(1L, 3L, 1L, 1L), CoreMlFiles.dims(val(b, add, "y")));
        List<Float> bias = val(b, add, "y").getImmediateValue().getTensor().getFloats().getValuesList();
        assertEquals(List.of(-0.485f, -0.456f, -0.406f), bias);
        assertEquals(first(b, "add").getOutputs(0).getName(), arg(first(b, "cast"), "x"));
    }

    @Test
    void neuralNetworkUsesTheImageScaler() throws Exception {
        var m = model(CoreMlFiles.mlmodel(TinyGraphs.stem(1), IMAGE.withName("img").withMetadata("input_mean", "[0.5, 0.4, 0.3]"), dir));
        var nn = m.getNeuralNetwork();
        assertEquals(NeuralNetworkImageShapeMapping.RANK4_IMAGE_MAPPING, nn.getImageInputShapeMapping());
        var s = nn.getPreprocessing(0);
        assertEquals(m.getDescription().getInput(0).getName(), s.getFeatureName());
        assertEquals(1f / 255f, s.getScaler().getChannelScale());
        assertEquals(-0.5f, s.getScaler().getRedBias());
        assertEquals(-0.4f, s.getScaler().getGreenBias());
        assertEquals(-0.3f, s.getScaler().getBlueBias());
        assertTrue(m.getDescription().getInput(0).getType().hasImageType());
        assertFalse(nn.getLayersList().stream().anyMatch(l -> l.getName().endsWith("_div_std")), "std folded, no extra layer");
    }

    @Test
    void imageInputsNeedOneRgbImage() {
        var e = assertThrows(FormworkException.class, () -> new MlProgramExporter().check(TinyGraphs.stem(2), IMAGE));
        assertTrue(e.getMessage().contains("batch 2"), e.getMessage());
        assertThrows(FormworkException.class, () -> new NeuralNetworkExporter().check(TinyGraphs.meta4d(), IMAGE));
        assertThrows(FormworkException.class, () -> new MlProgramExporter().check(TinyGraphs.stem(1), IMAGE.withMetadata("input_std", "0,1,1")));
        assertThrows(FormworkException.class, () -> new MlProgramExporter().check(TinyGraphs.stem(1), new ExportOptions().withCoremlInput("jpeg")));
    }
}
