package dev.formwork.exporters.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.formwork.ir.interp.NdArray;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs a serialized model on ONNX Runtime (CPU) for the exporter's tests. The exporters module
 * must not depend on the runtimes module (JavaCPP version clash with the checker, see pom.xml),
 * so this is a minimal direct use of ORT's Java API, test scope only.
 */
public final class OrtRunner {
    private OrtRunner() {}

    public static NdArray[] run(byte[] model, NdArray... inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model, so)) {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            int i = 0;
            for (String name : s.getInputNames()) {
                NdArray a = inputs[i++];
                long[] shape = Arrays.stream(a.shape()).asLongStream().toArray();
                feed.put(name, a.isLong() ? OnnxTensor.createTensor(env, LongBuffer.wrap(a.longs()), shape)
                        : OnnxTensor.createTensor(env, FloatBuffer.wrap(a.data()), shape));
            }
            try (OrtSession.Result r = s.run(feed)) {
                NdArray[] out = new NdArray[r.size()];
                for (int k = 0; k < out.length; k++) {
                    OnnxTensor t = (OnnxTensor) r.get(k);
                    int[] shape = Arrays.stream(t.getInfo().getShape()).mapToInt(Math::toIntExact).toArray();
                    FloatBuffer fb = t.getFloatBuffer();
                    float[] f = new float[fb.remaining()];
                    fb.get(f);
                    out[k] = NdArray.of(shape, f);
                }
                return out;
            } finally {
                for (OnnxTensor t : feed.values()) t.close();
            }
        } catch (OrtException e) {
            throw new AssertionError("onnxruntime: " + e.getMessage(), e);
        }
    }
}
