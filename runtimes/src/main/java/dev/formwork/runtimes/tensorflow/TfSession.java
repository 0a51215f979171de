package dev.formwork.runtimes.tensorflow;

import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import dev.formwork.runtimes.TensorSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;

/**
 * One loaded SavedModel and its {@code serving_default} function. Inputs and outputs are float32
 * in the signature's order (keys sorted, as TensorFlow's map gives no order).
 *
 * <p>Public, with a public {@link #open}, because {@link TensorFlowJava} may define this class in
 * its own class loader and call it from outside that loader's copy of the package.
 */
public final class TfSession implements Session {
    static final String TAG = "serve", SIGNATURE = "serving_default";

    private final Path dir;
    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final List<TensorSpec> inputs, outputs;

    private TfSession(Path dir, SavedModelBundle bundle) {
        this.dir = dir;
        this.bundle = bundle;
        SignatureDef sig = bundle.metaGraphDef().getSignatureDefMap().get(SIGNATURE);
        if (sig == null) {
            bundle.close();
            throw new FormworkException(dir + ": no '" + SIGNATURE + "' signature");
        }
        this.function = bundle.function(SIGNATURE);
        this.inputs = specs(sig.getInputsMap());
        this.outputs = specs(sig.getOutputsMap());
    }

    public static TfSession open(Path dir, RunOptions options) {
        ConfigProto.Builder config = ConfigProto.newBuilder();
        if (options.threads() > 0) config.setIntraOpParallelismThreads(options.threads()).setInterOpParallelismThreads(1);
        try {
            return new TfSession(dir, SavedModelBundle.loader(dir.toString()).withTags(TAG).withConfigProto(config.build()).load());
        } catch (TensorFlowException e) {
            throw new FormworkException(dir + ": TensorFlow cannot load it: " + oneLine(e.getMessage()), e);
        }
    }

    private List<TensorSpec> specs(Map<String, TensorInfo> m) {
        List<TensorSpec> l = new ArrayList<>();
        for (var e : new java.util.TreeMap<>(m).entrySet()) {
            TensorInfo ti = e.getValue();
            if (ti.getDtype() != org.tensorflow.proto.DataType.DT_FLOAT) {
                throw new FormworkException(dir + ": signature tensor " + e.getKey() + " is " + ti.getDtype() + ", Formwork runs float32 SavedModels");
            }
            long[] dims = new long[ti.getTensorShape().getDimCount()];
            for (int i = 0; i < dims.length; i++) dims[i] = Math.max(ti.getTensorShape().getDim(i).getSize(), 0);
            l.add(new TensorSpec(e.getKey(), DType.FLOAT32, dev.formwork.ir.Shape.of(dims)));
        }
        return List.copyOf(l);
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
        if (in.length != inputs.size()) throw new FormworkException(dir + ": expects " + inputs.size() + " inputs, got " + in.length);
        Map<String, Tensor> feeds = new LinkedHashMap<>();
        try {
            for (int i = 0; i < in.length; i++) {
                TensorSpec spec = inputs.get(i);
                int[] want = spec.shape().toArray();
                if (!Arrays.equals(want, in[i].shape())) {
                    throw new FormworkException(dir + ": input " + spec.name() + " has shape " + Arrays.toString(want) + ", got " + Arrays.toString(in[i].shape()));
                }
                long[] dims = Arrays.stream(in[i].shape()).asLongStream().toArray();
                feeds.put(spec.name(), TFloat32.tensorOf(Shape.of(dims), DataBuffers.of(in[i].data(), true, false)));
            }
            try (Result r = function.call(feeds)) {
                NdArray[] out = new NdArray[outputs.size()];
                for (int i = 0; i < out.length; i++) {
                    String name = outputs.get(i).name();
                    TFloat32 t = (TFloat32) r.get(name).orElseThrow(() -> new FormworkException(dir + ": no output " + name));
                    long[] s = t.shape().asArray();
                    int[] shape = Arrays.stream(s).mapToInt(Math::toIntExact).toArray();
                    float[] data = new float[Math.toIntExact(t.size())];
                    t.copyTo(DataBuffers.of(data, false, false));
                    out[i] = NdArray.of(shape, data);
                }
                return out;
            }
        } catch (TensorFlowException e) {
            throw new FormworkException(dir + ": TensorFlow failed: " + oneLine(e.getMessage()), e);
        } finally {
            for (Tensor t : feeds.values()) t.close();
        }
    }

    @Override
    public void close() {
        bundle.close();
    }

    private static String oneLine(String s) {
        return s == null ? "unknown error" : s.replace('\n', ' ').trim();
    }
}
