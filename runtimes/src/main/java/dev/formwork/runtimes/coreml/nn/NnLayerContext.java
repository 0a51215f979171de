package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Half;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.WeightParams;
import java.nio.file.Path;

/** What a layer implementation sees: the layer message, its input blobs and a way to fail. */
final class NnLayerContext {
    final NeuralNetworkLayer layer;
    final NdArray[] in;
    private final Path source;
    private final boolean fp16Compute;

    NnLayerContext(NeuralNetworkLayer layer, NdArray[] in, Path source, boolean fp16Compute) {
        this.layer = layer;
        this.in = in;
        this.source = source;
        this.fp16Compute = fp16Compute;
    }

    NdArray x() {
        if (in.length < 1) throw fail("needs an input");
        return in[0];
    }

    /**
     * Values of a WeightParams: {@code floatValue} (fp32) or {@code float16Value} (little-endian
     * halves); exactly {@code count} are required. Rounded to half under fp16Compute.
     */
    float[] weights(WeightParams w, long count, String what) {
        boolean f32 = w.getFloatValueCount() > 0, f16 = !w.getFloat16Value().isEmpty();
        if (f32 && f16) throw fail(what + " has both floatValue and float16Value");
        if (!w.getRawValue().isEmpty() || !w.getInt8RawValue().isEmpty()) throw fail(what + ": quantized weights are not supported");
        float[] v;
        if (f16) {
            byte[] b = w.getFloat16Value().toByteArray();
            if (b.length % 2 != 0) throw fail(what + " float16Value has an odd byte count " + b.length);
            v = new float[b.length / 2];
            for (int k = 0; k < v.length; k++) v[k] = Half.toFloat((short) ((b[2 * k] & 0xff) | (b[2 * k + 1] << 8)));
        } else {
            v = new float[w.getFloatValueCount()];
            for (int k = 0; k < v.length; k++) v[k] = w.getFloatValue(k);
        }
        if (v.length != count) throw fail(what + " has " + v.length + " values, expected " + count);
        if (fp16Compute) for (int k = 0; k < v.length; k++) v[k] = Half.round(v[k]);
        return v;
    }

    /** Normalises an axis against a rank, failing when out of {@code [-rank, rank)}. */
    int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw fail("axis " + axis + " out of range for rank " + rank);
        return (int) a;
    }

    FormworkException fail(String msg) {
        return new FormworkException(source + ": layer '" + layer.getName() + "' (" + layer.getLayerCase().name().toLowerCase() + "): " + msg);
    }

    static NdArray of(int[] shape, float[] data) {
        return NdArray.of(shape, data);
    }
}
