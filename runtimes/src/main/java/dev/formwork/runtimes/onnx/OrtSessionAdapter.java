package dev.formwork.runtimes.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Half;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.Session;
import dev.formwork.runtimes.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One loaded ONNX Runtime session. Inputs and outputs are float32 NdArrays (int64 ones pass
 * through); float16 model inputs are fed converted, and float16 outputs come back widened.
 */
final class OrtSessionAdapter implements Session {
    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;

    OrtSessionAdapter(Path file, OrtEnvironment env, OrtSession session, OrtSession.SessionOptions options) throws OrtException {
        this.file = file;
        this.env = env;
        this.session = session;
        this.options = options;
        this.inputs = specs(session.getInputInfo());
        this.outputs = specs(session.getOutputInfo());
    }

    private List<TensorSpec> specs(Map<String, NodeInfo> infos) {
        List<TensorSpec> l = new ArrayList<>();
        for (NodeInfo ni : infos.values()) {
            if (!(ni.getInfo() instanceof TensorInfo ti)) throw new FormworkException(file + ": value " + ni.getName() + " is not a tensor");
            long[] dims = Arrays.stream(ti.getShape()).map(d -> Math.max(d, 0)).toArray(); // symbolic dims as 0
            l.add(new TensorSpec(ni.getName(), dtype(ti.type, ni.getName()), Shape.of(dims)));
        }
        return List.copyOf(l);
    }

    private DType dtype(OnnxJavaType t, String name) {
        return switch (t) {
            case FLOAT -> DType.FLOAT32;
            case FLOAT16 -> DType.FLOAT16;
            case INT64 -> DType.INT64;
            case INT32 -> DType.INT32;
            default -> throw new FormworkException(file + ": value " + name + " has element type " + t + ", not supported");
        };
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputs;
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputs;
    }

    @Override
    public NdArray[] run(NdArray... in) {
        if (in.length != inputs.size()) throw new FormworkException(file + ": takes " + inputs.size() + " inputs, got " + in.length);
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (int i = 0; i < in.length; i++) {
                TensorSpec s = inputs.get(i);
                checkShape(s, in[i]);
                feed.put(s.name(), tensor(s, in[i]));
            }
            try (OrtSession.Result r = session.run(feed)) {
                NdArray[] out = new NdArray[outputs.size()];
                for (int i = 0; i < out.length; i++) out[i] = array((OnnxTensor) r.get(i), outputs.get(i).name());
                return out;
            }
        } catch (OrtException e) {
            throw new FormworkException(file + ": ONNX Runtime failed: " + OnnxRuntimeAdapter.oneLine(e.getMessage()), e);
        } finally {
            for (OnnxTensor t : feed.values()) t.close();
        }
    }

    private void checkShape(TensorSpec s, NdArray a) {
        int[] want = s.shape().toArray(), got = a.shape();
        boolean ok = want.length == got.length;
        for (int d = 0; ok && d < want.length; d++) ok = want[d] == 0 || want[d] == got[d];
        if (!ok) throw new FormworkException(file + ": input " + s.name() + " has shape " + Arrays.toString(got) + ", the model expects " + s.shape());
    }

    private OnnxTensor tensor(TensorSpec s, NdArray a) throws OrtException {
        long[] shape = Arrays.stream(a.shape()).asLongStream().toArray();
        return switch (s.dtype()) {
            case FLOAT32 -> OnnxTensor.createTensor(env, FloatBuffer.wrap(a.data()), shape);
            case FLOAT16 -> {
                float[] f = a.data();
                ByteBuffer b = ByteBuffer.allocateDirect(f.length * 2).order(ByteOrder.nativeOrder());
                for (float v : f) b.putShort(Half.fromFloat(v));
                b.flip();
                yield OnnxTensor.createTensor(env, b, shape, OnnxJavaType.FLOAT16);
            }
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(a.longs()), shape);
            case INT32 -> {
                long[] l = a.longs();
                int[] v = new int[l.length];
                for (int i = 0; i < l.length; i++) v[i] = Math.toIntExact(l[i]);
                yield OnnxTensor.createTensor(env, java.nio.IntBuffer.wrap(v), shape);
            }
        };
    }

    private NdArray array(OnnxTensor t, String name) {
        TensorInfo ti = t.getInfo();
        int[] shape = Arrays.stream(ti.getShape()).mapToInt(Math::toIntExact).toArray();
        switch (ti.type) {
            case FLOAT -> {
                FloatBuffer fb = t.getFloatBuffer();
                float[] f = new float[fb.remaining()];
                fb.get(f);
                return NdArray.of(shape, f);
            }
            case FLOAT16 -> {
                ShortBuffer sb = t.getShortBuffer();
                float[] f = new float[sb.remaining()];
                for (int i = 0; i < f.length; i++) f[i] = Half.toFloat(sb.get(i));
                return NdArray.of(shape, f);
            }
            case INT64 -> {
                LongBuffer lb = t.getLongBuffer();
                long[] l = new long[lb.remaining()];
                lb.get(l);
                return NdArray.ofLongs(shape, l);
            }
            default -> throw new FormworkException(file + ": output " + name + " has element type " + ti.type + ", not supported");
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing ONNX Runtime session for " + file, e);
        } finally {
            options.close();
        }
    }
}
