package dev.formwork.exporters.coreml.nn;

import dev.formwork.exporters.coreml.CoreMlSettings;
import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.UpsampleLayerParams;
import java.util.Map;

/**
 * Resize (bilinear, half-pixel) -> {@code upsample} BILINEAR with ALIGN_CORNERS_FALSE, whose
 * grid is {@code min(in-1, max(0, i*in/out + 0.5*in/out - 0.5))}: half-pixel centres with
 * clamping, the IR's definition when out = in * scale. (DEFAULT would sample i*(in-in/out)/(out-1),
 * which is not.) The mode is an iOS 14 feature, so such a model needs specification 5.
 */
final class NnResizeLayers {
    private NnResizeLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("Resize", NnLowering.of(NnResizeLayers::resize, NnResizeLayers::check));
    }

    static void check(Node n, CoreMlSettings s) {
        NnLowerings.nchwOnly(n);
        double[] sc = n.floats("scales");
        int[] in = n.input(0).shape().toArray(), out = n.output().shape().toArray();
        for (int i = 0; i < 2; i++) {
            if (Math.abs(in[2 + i] * sc[i] - out[2 + i]) > 1e-9) {
                throw NnContext.refuse(n, "scale " + sc[i] + " does not map " + in[2 + i] + " pixels to a whole number; upsample would resample differently");
            }
        }
        if (s.minIos() <= 13) throw NnContext.refuse(n, "half-pixel bilinear upsampling (ALIGN_CORNERS_FALSE) needs iOS 14; use --min-ios 14 or later");
    }

    static void resize(Node n, NnContext c) {
        double[] sc = n.floats("scales");
        UpsampleLayerParams.Builder p = UpsampleLayerParams.newBuilder().setMode(UpsampleLayerParams.InterpolationMode.BILINEAR)
                .setLinearUpsampleMode(UpsampleLayerParams.LinearUpsampleMode.ALIGN_CORNERS_FALSE);
        if (sc[0] == Math.rint(sc[0]) && sc[1] == Math.rint(sc[1])) p.addScalingFactor((long) sc[0]).addScalingFactor((long) sc[1]);
        else p.addFractionalScalingFactor((float) sc[0]).addFractionalScalingFactor((float) sc[1]);
        String x = c.in(n, 0);
        c.needsIos14();
        c.add(NeuralNetworkLayer.newBuilder().setUpsample(p), n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }
}
