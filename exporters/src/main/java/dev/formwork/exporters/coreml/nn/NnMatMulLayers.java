package dev.formwork.exporters.coreml.nn;

import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.AddBroadcastableLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.BatchedMatMulLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.InnerProductLayerParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import java.util.List;
import java.util.Map;

/**
 * Linear and MatMul. A Linear on [B, Cin] is {@code innerProduct} (weights [Cout, Cin], the
 * PyTorch layout). On other ranks innerProduct would flatten the wrong axes (rank 4 multiplies
 * over x2*x3*x4), so tokens [B, N, C] use a one-input {@code batchedMatmul}: its weight matrix
 * [X1 = Cin, X2 = Cout] is stored column-major, which is again PyTorch's [Cout, Cin] as is.
 * MatMul of two values is a two-input batchedMatmul.
 */
final class NnMatMulLayers {
    private NnMatMulLayers() {}

    static void register(Map<String, NnLowering> t) {
        t.put("Linear", NnMatMulLayers::linear);
        t.put("MatMul", NnMatMulLayers::matmul);
    }

    static void linear(Node n, NnContext c) {
        Shape w = n.input(1).shape();
        boolean hasBias = n.inputCount() > 2;
        if (!n.input(1).isConstant() || (hasBias && !n.input(2).isConstant())) {
            linearDynamic(n, c);
            return;
        }
        String x = c.in(n, 0);
        NeuralNetworkLayer.Builder l = NeuralNetworkLayer.newBuilder();
        if (n.input(0).shape().rank() == 2) {
            InnerProductLayerParams.Builder p = InnerProductLayerParams.newBuilder().setInputChannels(w.dim(1))
                    .setOutputChannels(w.dim(0)).setWeights(c.weights(n.input(1).constant()));
            if (hasBias) p.setHasBias(true).setBias(c.weights(n.input(2).constant()));
            l.setInnerProduct(p);
        } else {
            BatchedMatMulLayerParams.Builder p = BatchedMatMulLayerParams.newBuilder()
                    .setWeightMatrixFirstDimension(w.dim(1)).setWeightMatrixSecondDimension(w.dim(0))
                    .setWeights(c.weights(n.input(1).constant()));
            if (hasBias) p.setHasBias(true).setBias(c.weights(n.input(2).constant()));
            l.setBatchedMatmul(p);
        }
        c.add(l, n.name(), NnLowerings.one(x), NnLowerings.one(c.out(n, 0)));
    }

    /** x W^T (+ b) with W computed: batchedMatmul(transposeB) then addBroadcastable. */
    private static void linearDynamic(Node n, NnContext c) {
        String x = c.in(n, 0), w = c.in(n, 1);
        boolean hasBias = n.inputCount() > 2;
        String y = hasBias ? c.auxBlob(n.output().name() + "_matmul", n.output().shape().toArray()) : c.out(n, 0);
        c.add(NeuralNetworkLayer.newBuilder().setBatchedMatmul(BatchedMatMulLayerParams.newBuilder().setTransposeB(true)),
                n.name() + "_matmul", List.of(x, w), NnLowerings.one(y));
        if (hasBias) {
            String b = c.in(n, 2);
            c.add(NeuralNetworkLayer.newBuilder().setAddBroadcastable(AddBroadcastableLayerParams.getDefaultInstance()),
                    n.name(), List.of(y, b), NnLowerings.one(c.out(n, 0)));
        }
    }

    static void matmul(Node n, NnContext c) {
        String a = c.in(n, 0), b = c.in(n, 1);
        c.add(NeuralNetworkLayer.newBuilder().setBatchedMatmul(BatchedMatMulLayerParams.getDefaultInstance()),
                n.name(), List.of(a, b), NnLowerings.one(c.out(n, 0)));
    }
}
