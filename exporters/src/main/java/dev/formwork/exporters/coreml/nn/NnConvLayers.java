package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.BorderAmounts;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ConvolutionLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ValidPadding;
import java.util.Map;

/**
 * Conv -> {@code convolution}: weights [Cout, Cin/groups, kH, kW] as PyTorch stores them
 * (depthwise: nGroups = Cin, kernelChannels = 1) and "valid" padding with explicit amounts, in
 * [H, W] order, start = top/left and end = bottom/right (asymmetric pads are fine).
 */
final class NnConvLayers {
    private NnConvLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("Conv", NnLowering.of(NnConvLayers::conv, (n, s) -> {
            NnLowerings.nchwOnly(n);
            for (int i = 1; i < n.inputCount(); i++) if (!n.input(i).isConstant()) throw NnContext.refuse(n, "convolution weights and bias must be constants");
        }));
    }

    /** Padding amounts from IR pads [top, left, bottom, right]. */
    static ValidPadding padding(int[] p) {
        return ValidPadding.newBuilder().setPaddingAmounts(BorderAmounts.newBuilder()
                .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder().setStartEdgeSize(p[0]).setEndEdgeSize(p[2]))
                .addBorderAmounts(BorderAmounts.EdgeSizes.newBuilder().setStartEdgeSize(p[1]).setEndEdgeSize(p[3]))).build();
    }

    static void conv(Node n, NnContext c) {
        Shape w = n.input(1).shape();
        int[] s = n.intArray("strides"), d = n.intArray("dilations");
        ConvolutionLayerParams.Builder p = ConvolutionLayerParams.newBuilder()
                .setOutputChannels(w.dim(0)).setKernelChannels(w.dim(1)).setNGroups(n.i("groups"))
                .addKernelSize(w.dim(2)).addKernelSize(w.dim(3)).addStride(s[0]).addStride(s[1])
                .addDilationFactor(d[0]).addDilationFactor(d[1]).setValid(padding(n.intArray("pads")))
                .setWeights(c.weights(n.input(1).constant()));
        if (n.inputCount() > 2) p.setHasBias(true).setBias(c.weights(n.input(2).constant()));
        String x = c.in(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setConvolution(p), n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }
}
