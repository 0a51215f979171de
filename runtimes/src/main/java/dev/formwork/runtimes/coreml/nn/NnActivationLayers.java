package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.kernels.MathFns;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.ActivationParams;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer.LayerCase;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.UnaryFunctionLayerParams;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * Elementwise activations (NeuralNetwork.proto ActivationParams, GeluLayerParams and the EXP of
 * UnaryFunctionLayerParams): linear {@code alpha*x + beta}, ReLU {@code max(0, x)}, leakyReLU
 * {@code x >= 0 ? x : alpha*x}, tanh, sigmoid, sigmoidHard {@code min(max(alpha*x + beta, 0), 1)},
 * and GELU — EXACT {@code 0.5x(1 + erf(x/sqrt 2))}, TANH_APPROXIMATION
 * {@code 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x^3)))}, SIGMOID_APPROXIMATION {@code x*sigmoid(1.702x)}.
 */
final class NnActivationLayers {
    private NnActivationLayers() {}

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    static void register(Map<LayerCase, NnLayer> t) {
        t.put(LayerCase.ACTIVATION, NnActivationLayers::activation);
        t.put(LayerCase.UNARY, NnActivationLayers::unary);
        t.put(LayerCase.GELU, c -> {
            DoubleUnaryOperator f = switch (c.layer.getGelu().getMode()) {
                case EXACT -> x -> 0.5 * x * (1 + MathFns.erf(x / Math.sqrt(2)));
                case TANH_APPROXIMATION -> x -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
                case SIGMOID_APPROXIMATION -> x -> x / (1 + Math.exp(-1.702 * x));
                default -> throw c.fail("unknown GELU mode " + c.layer.getGelu().getModeValue());
            };
            return map(c, f);
        });
    }

    private static NdArray[] activation(NnLayerContext c) {
        ActivationParams p = c.layer.getActivation();
        DoubleUnaryOperator f = switch (p.getNonlinearityTypeCase()) {
            case RELU -> x -> x > 0 || Double.isNaN(x) ? x : 0;
            case LINEAR -> x -> p.getLinear().getAlpha() * x + p.getLinear().getBeta();
            case LEAKYRELU -> x -> x >= 0 ? x : p.getLeakyReLU().getAlpha() * x;
            case TANH -> Math::tanh;
            case SIGMOID -> x -> 1 / (1 + Math.exp(-x));
            case SIGMOIDHARD -> x -> Math.min(Math.max(p.getSigmoidHard().getAlpha() * (float) x + p.getSigmoidHard().getBeta(), 0f), 1f);
            default -> throw c.fail("activation " + p.getNonlinearityTypeCase() + " is not supported");
        };
        return map(c, f);
    }

    /** unary: {@code f(scale * x + shift)}, scale 0 read as 1 (the proto's default); EXP, SQRT and POWER (x to the alpha). */
    private static NdArray[] unary(NnLayerContext c) {
        UnaryFunctionLayerParams p = c.layer.getUnary();
        float scale = p.getScale() == 0 ? 1f : p.getScale(), shift = p.getShift(), alpha = p.getAlpha();
        DoubleUnaryOperator f = switch (p.getType()) {
            case EXP -> Math::exp;
            case SQRT -> Math::sqrt;
            case POWER -> x -> Math.pow(x, alpha);
            default -> throw c.fail("unary function " + p.getType() + " is not supported (EXP, SQRT and POWER are)");
        };
        return map(c, x -> f.applyAsDouble(scale * (float) x + shift));
    }

    static NdArray[] map(NnLayerContext c, DoubleUnaryOperator f) {
        NdArray x = c.x();
        float[] s = x.data(), y = new float[s.length];
        for (int k = 0; k < y.length; k++) y[k] = (float) f.applyAsDouble(s[k]);
        return new NdArray[] {NdArray.of(x.shape(), y)};
    }
}
