package dev.formwork.golden.coreml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.coreml.CoreMlSettings;
import dev.formwork.frontends.LoadOptions;
import dev.formwork.frontends.LoadedModel;
import dev.formwork.frontends.Models;
import dev.formwork.ir.DType;
import dev.formwork.ir.interp.Comparison;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Runtimes;
import dev.formwork.runtimes.Session;
import dev.formwork.testing.TestData;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An image-input export fed raw 0..255 pixels gives the logits the MultiArray export gives for
 * the normalised tensor {@code (x/255 - mean)/std}, within the float32 rule, in both formats.
 * The executor takes an image as a float32 [1,3,H,W] array of pixel values (its Session says so).
 */
class ImageInputCoreMlTest {
    static NdArray pixels(int h, int w, long seed) {
        Random r = new Random(seed);
        float[] v = new float[3 * h * w];
        for (int i = 0; i < v.length; i++) v[i] = r.nextInt(256);
        return NdArray.of(new int[] {1, 3, h, w}, v);
    }

    static NdArray normalised(NdArray x) {
        float[] d = x.data(), out = new float[d.length];
        int hw = x.dim(2) * x.dim(3);
        for (int i = 0; i < d.length; i++) {
            int c = i / hw;
            out[i] = (float) ((d[i] / 255.0 - CoreMlSettings.IMAGENET_MEAN[c]) / CoreMlSettings.IMAGENET_STD[c]);
        }
        return NdArray.of(x.shape(), out);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny_v1_64", "tiny_v2_64", "s0_224"})
    void rawPixelsEqualNormalisedArrays(String golden, @TempDir Path dir) throws Exception {
        Path g = TestData.golden(golden);
        LoadedModel m = Models.load(g.resolve("config.json").toString(), LoadOptions.defaults().withBatch(1).withWeights(g.resolve("weights.safetensors")));
        int side = m.graph().input(0).shape().dim(2);
        NdArray x = pixels(side, side, 3);
        ExportOptions array = CoreMlArtifacts.options(m, CoreMlArtifacts.FP32);
        ExportOptions image = array.withCoremlInput("image");
        Path[][] pairs = {
            {CoreMlArtifacts.mlpackage(m.graph(), array, dir, "a"), CoreMlArtifacts.mlpackage(m.graph(), image, dir, "ai")},
            {CoreMlArtifacts.mlmodel(m.graph(), array, dir, "n"), CoreMlArtifacts.mlmodel(m.graph(), image, dir, "ni")},
        };
        for (Path[] pair : pairs) {
            NdArray ref = CoreMlArtifacts.run(pair[0], normalised(x), false);
            try (Session s = Runtimes.open(pair[1], RunOptions.defaults())) {
                assertEquals(DType.FLOAT32, s.inputs().get(0).dtype());
                assertEquals(m.graph().input(0).shape(), s.inputs().get(0).shape());
                Comparison c = Comparison.of(s.run(x)[0], ref);
                System.out.printf("%s %s image vs normalised array: max abs %.3g (scale %.3g)%n", golden, pair[1].getFileName(), c.maxAbs(), c.maxAbsReference());
                assertTrue(c.withinFp32(), golden + " " + pair[1] + ": max abs " + c.maxAbs() + " vs scale " + c.maxAbsReference());
                assertEquals(1, c.top1Agree());
            }
        }
    }
}
