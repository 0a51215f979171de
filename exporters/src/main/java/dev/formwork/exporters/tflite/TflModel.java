package dev.formwork.exporters.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import dev.formwork.ir.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * The TFLite model being assembled, before serialization: tensors, constant data (still views of
 * the IR tensors, written straight into the file by {@link TflSerializer}), operators in execution
 * order, I/O and metadata. Keeping this separate from the flatbuffer lets the lowerings emit ops
 * in any nesting order; flatbuffers wants children built before parents.
 */
final class TflModel {
    /** A tensor: name, shape, schema TensorType, buffer index (0 = no data). */
    record TflTensor(String name, Shape shape, byte type, int buffer) {}

    /** Writes an operator's builtin options table, returning its offset. */
    interface Options {
        int write(FlatBufferBuilder b);
    }

    /**
     * One operator.
     *
     * @param code BuiltinOperator code
     * @param version OperatorCode.version for this use (ops with two versions get two codes)
     * @param inputs tensor indices (-1 = omitted optional input)
     * @param outputs tensor indices
     * @param optionsType BuiltinOptions union tag (0 = none)
     * @param options writes the options table, or null
     */
    record TflOp(int code, int version, int[] inputs, int[] outputs, byte optionsType, Options options) {}

    /** A named metadata entry pointing at a buffer. */
    record Meta(String name, int buffer) {}

    final List<TflTensor> tensors = new ArrayList<>();
    final List<ConstData> buffers = new ArrayList<>();
    final List<TflOp> ops = new ArrayList<>();
    final List<Integer> inputs = new ArrayList<>();
    final List<Integer> outputs = new ArrayList<>();
    final List<String> inputNames = new ArrayList<>();
    final List<String> outputNames = new ArrayList<>();
    final List<Meta> metadata = new ArrayList<>();
    String description = "";
    String subgraphName = "main";

    TflModel() {
        buffers.add(ConstData.EMPTY); // buffer 0: the empty sentinel every tensor without data points at
    }

    int addBuffer(ConstData d) {
        buffers.add(d);
        return buffers.size() - 1;
    }

    int addTensor(String name, Shape shape, byte type, int buffer) {
        tensors.add(new TflTensor(name, shape, type, buffer));
        return tensors.size() - 1;
    }

    void addOp(TflOp op) {
        ops.add(op);
    }

    long constantBytes() {
        long n = 0;
        for (ConstData d : buffers) n += d.byteLength();
        return n;
    }
}
