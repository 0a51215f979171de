package dev.formwork.exporters.coreml;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.Tensor;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;

/** Per-layer facts of a NeuralNetwork for {@code inspect}: type name, weight elements, MACs. */
final class NnSummary {
    private NnSummary() {}

    /** The layer's oneof field name as the specification spells it, e.g. {@code innerProduct}. */
    static String layerType(NeuralNetworkLayer l) {
        FieldDescriptor f = NeuralNetworkLayer.getDescriptor().findFieldByNumber(l.getLayerCase().getNumber());
        return f == null ? "unknown" : f.getName();
    }

    /** Elements of every WeightParams of the layer's parameters (fp32 values or fp16 halves). */
    static long weightElements(NeuralNetworkLayer l) {
        FieldDescriptor f = NeuralNetworkLayer.getDescriptor().findFieldByNumber(l.getLayerCase().getNumber());
        if (f == null) return 0;
        Message params = (Message) l.getField(f);
        long n = 0;
        for (var e : params.getAllFields().entrySet()) {
            if (e.getValue() instanceof WeightParams w) n += w.getFloatValueCount() + w.getFloat16Value().size() / 2;
        }
        return n;
    }

    static long macs(NeuralNetworkLayer l) {
        if (l.getOutputTensorCount() == 0) return 0;
        long out = numel(l.getOutputTensor(0));
        return switch (l.getLayerCase()) {
            case CONVOLUTION -> {
                var c = l.getConvolution();
                long k = c.getKernelSizeCount() == 2 ? c.getKernelSize(0) * c.getKernelSize(1) : 9;
                yield out * c.getKernelChannels() * k;
            }
            case INNERPRODUCT -> out * l.getInnerProduct().getInputChannels();
            case BATCHEDMATMUL -> {
                var b = l.getBatchedMatmul();
                if (l.getInputCount() == 1) yield out * b.getWeightMatrixFirstDimension();
                if (l.getInputTensorCount() == 0) yield 0;
                Tensor a = l.getInputTensor(0);
                int r = (int) a.getRank();
                yield r == 0 || a.getDimValueCount() < r ? 0 : out * a.getDimValue(b.getTransposeA() && r > 1 ? r - 2 : r - 1);
            }
            default -> 0;
        };
    }

    private static long numel(Tensor t) {
        long n = 1;
        for (long d : t.getDimValueList()) n *= d;
        return n;
    }
}
