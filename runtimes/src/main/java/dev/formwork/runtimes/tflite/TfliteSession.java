package dev.formwork.runtimes.tflite;

import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.runtimes.RunOptions;
import dev.formwork.runtimes.Session;
import dev.formwork.runtimes.TensorSpec;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.BuiltinOpResolverWithoutDefaultDelegates;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

/**
 * One loaded interpreter. The model bytes (a direct buffer and the native pointer over it) are
 * fields: TFLite's FlatBufferModel reads weights in place from that memory for as long as the
 * interpreter lives, so they must not be collected before {@link #close}.
 */
final class TfliteSession implements Session {
    private final Path file;
    @SuppressWarnings("unused") // keeps the native model memory reachable while the interpreter uses it
    private final ByteBuffer bytes;
    private final BytePointer modelMemory;
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver;
    private final Interpreter interpreter;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private boolean closed;

    private TfliteSession(Path file, ByteBuffer bytes, BytePointer memory, FlatBufferModel model, BuiltinOpResolver resolver,
                          Interpreter interpreter) {
        this.file = file;
        this.bytes = bytes;
        this.modelMemory = memory;
        this.model = model;
        this.resolver = resolver;
        this.interpreter = interpreter;
        this.inputs = specs(true);
        this.outputs = specs(false);
    }

    static TfliteSession open(Path file, ByteBuffer bytes, RunOptions options) {
        BytePointer memory = new BytePointer(bytes);
        FlatBufferModel model = FlatBufferModel.VerifyAndBuildFromBuffer(memory, bytes.capacity());
        if (model == null || model.isNull()) {
            memory.close();
            throw new FormworkException(file + ": not a valid TFLite model (the flatbuffer verifier rejected it)");
        }
        BuiltinOpResolver resolver = options.xnnpack() ? new BuiltinOpResolver() : new BuiltinOpResolverWithoutDefaultDelegates();
        InterpreterBuilder builder = new InterpreterBuilder(model, resolver);
        Interpreter interpreter = new Interpreter((Pointer) null);
        try {
            if (options.threads() > 0) builder.SetNumThreads(options.threads());
            if (builder.apply(interpreter) != tensorflowlite.kTfLiteOk || interpreter.isNull()) {
                throw new FormworkException(file + ": TFLite could not build an interpreter (unsupported op or version; see stderr)");
            }
            if (interpreter.AllocateTensors() != tensorflowlite.kTfLiteOk) {
                throw new FormworkException(file + ": TFLite could not allocate tensors (see stderr)");
            }
        } catch (RuntimeException e) {
            interpreter.close();
            builder.close();
            resolver.close();
            model.close();
            memory.close();
            throw e;
        }
        builder.close();
        return new TfliteSession(file, bytes, memory, model, resolver, interpreter);
    }

    private List<TensorSpec> specs(boolean in) {
        int n = (int) (in ? interpreter.inputs().limit() : interpreter.outputs().limit());
        List<TensorSpec> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TfLiteTensor t = in ? interpreter.input_tensor(i) : interpreter.output_tensor(i);
            int[] dims = new int[tensorflowlite.TfLiteTensorNumDims(t)];
            for (int d = 0; d < dims.length; d++) dims[d] = tensorflowlite.TfLiteTensorDim(t, d);
            l.add(new TensorSpec(tensorflowlite.TfLiteTensorName(t).getString(), dtype(tensorflowlite.TfLiteTensorType(t)), Shape.of(dims)));
        }
        return List.copyOf(l);
    }

    private DType dtype(int t) {
        if (t == tensorflowlite.kTfLiteFloat32) return DType.FLOAT32;
        if (t == tensorflowlite.kTfLiteFloat16) return DType.FLOAT16;
        if (t == tensorflowlite.kTfLiteInt32) return DType.INT32;
        if (t == tensorflowlite.kTfLiteInt64) return DType.INT64;
        throw new FormworkException(file + ": tensor type " + tensorflowlite.TfLiteTypeGetName(t).getString() + " is not supported");
    }

    @Override
    public List<TensorSpec> inputs() {
        return inputs;
    }

    @Override
    public List<TensorSpec> outputs() {
        return outputs;
    }

    /** Nodes the interpreter executes after delegation (XNNPACK collapses what it takes into few nodes). */
    int executionPlanSize() {
        return (int) interpreter.execution_plan().limit();
    }

    int nodeCount() {
        return (int) interpreter.nodes_size();
    }

    @Override
    public NdArray[] run(NdArray... in) {
        if (closed) throw new IllegalStateException(file + ": session closed");
        if (in.length != inputs.size()) throw new FormworkException(file + ": takes " + inputs.size() + " inputs, got " + in.length);
        for (int i = 0; i < in.length; i++) {
            TensorSpec s = inputs.get(i);
            if (!Arrays.equals(s.shape().toArray(), in[i].shape())) {
                throw new FormworkException(file + ": input " + s.name() + " has shape " + s.shape() + ", got " + Arrays.toString(in[i].shape()));
            }
            if (s.dtype() != DType.FLOAT32) throw new FormworkException(file + ": input " + s.name() + " is " + s.dtype().label() + ", only float32 is fed");
            FloatPointer p = interpreter.typed_input_tensor_float(i);
            p.put(in[i].data(), 0, in[i].size());
        }
        if (interpreter.Invoke() != tensorflowlite.kTfLiteOk) throw new FormworkException(file + ": TFLite Invoke failed (see stderr)");
        NdArray[] out = new NdArray[outputs.size()];
        for (int i = 0; i < out.length; i++) {
            TensorSpec s = outputs.get(i);
            if (s.dtype() != DType.FLOAT32) throw new FormworkException(file + ": output " + s.name() + " is " + s.dtype().label());
            float[] d = new float[(int) s.shape().numel()];
            interpreter.typed_output_tensor_float(i).get(d);
            out[i] = NdArray.of(s.shape().toArray(), d);
        }
        return out;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        interpreter.close();
        resolver.close();
        model.close();
        modelMemory.close();
    }
}
