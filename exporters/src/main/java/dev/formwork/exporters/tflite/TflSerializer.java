package dev.formwork.exporters.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.Metadata;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.SignatureDef;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;
import org.tensorflow.lite.schema.TensorMap;

/**
 * Writes a {@link TflModel} as a TFLite flatbuffer through the official generated schema classes.
 *
 * <p>File facts it guarantees (formats.md §3): identifier TFL3, Model.version 3, buffers[0]
 * empty, every constant its own buffer with data starting at a 16-byte aligned file offset (the
 * Java codegen ignores the schema's force_align, so the vectors are started with alignment 16 by
 * hand), operator codes with both code fields (deprecated = min(code, 127)) and one code per
 * (op, version), and a {@code serving_default} SignatureDef.
 */
final class TflSerializer {
    static final int ALIGN = 16;
    private static final String SIGNATURE = "serving_default";

    /** A constant whose bytes the builder leaves out; they go to the file at {@code length - fromEnd}. */
    private record Hole(ConstData data, int fromEnd) {}

    private TflSerializer() {}

    /**
     * Writes the finished flatbuffer into {@code ch} from position 0 and returns its length.
     *
     * <p>The constants, nearly all of the file, never become resident in this process, where a
     * buffer holding the whole model would be as large as the weights: the builder works in a
     * mapping of scratch space beyond the end of the file (only the pages of the tables it
     * writes are touched), leaving each constant's bytes out, and the file is then written in
     * order, the tables copied from the mapping and the constants from their sources; the scratch
     * space is cut off at the end (where files can be sparse, its untouched part never reaches the
     * disk either). A flatbuffer's layout depends only on offsets from its end, so the bytes are
     * those the builder would have produced with the constants in it.
     */
    static long write(TflModel m, FileChannel ch) throws IOException {
        Model.ValidateVersion();
        long estimate = m.constantBytes() + (long) ALIGN * m.buffers.size() + 256L * (m.tensors.size() + m.ops.size()) + (1 << 16);
        if (estimate > Integer.MAX_VALUE - 8) throw new dev.formwork.ir.FormworkException("model too large for a flatbuffer (>2 GB)");
        MappedByteBuffer scratch = ch.map(FileChannel.MapMode.READ_WRITE, estimate, estimate);
        scratch.order(ByteOrder.LITTLE_ENDIAN);
        List<Hole> holes = new ArrayList<>();
        ByteBuffer built = build(m, scratch, holes).dataBuffer();
        int start = built.position();
        int length = built.limit() - start;
        int largest = 0;
        for (Hole h : holes) largest = Math.max(largest, h.data.byteLength());
        ByteBuffer bytes = ByteBuffer.allocate(largest);
        int at = 0;
        // holes were made from the end of the buffer backwards: the last one comes first in the file
        for (int k = holes.size() - 1; k >= -1; k--) {
            int holeAt = k >= 0 ? length - holes.get(k).fromEnd : length;
            write(built.duplicate().position(start + at).limit(start + holeAt), at, ch);
            if (k < 0) break;
            at = holeAt + writeConstant(holes.get(k).data, bytes, holeAt, ch);
        }
        built = null;
        unmap(scratch);
        ch.truncate(length);
        return length;
    }

    /**
     * Unmaps the scratch space now instead of at some later collection: Windows refuses to
     * truncate a file while a mapping of it is open, and elsewhere the mapping would outlive the
     * write for no use. Nothing reads the buffer afterwards.
     */
    private static void unmap(MappedByteBuffer b) {
        try {
            Class<?> unsafe = Class.forName("sun.misc.Unsafe");
            Field the = unsafe.getDeclaredField("theUnsafe");
            the.setAccessible(true);
            unsafe.getMethod("invokeCleaner", ByteBuffer.class).invoke(the.get(null), b);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // left to the collector; only a platform that cannot truncate a mapped file minds
        }
    }

    private static void write(ByteBuffer bytes, long at, FileChannel ch) throws IOException {
        while (bytes.hasRemaining()) at += ch.write(bytes, at);
    }

    /** A builder over {@code first}; should it outgrow it, over memory of its own. */
    private static FlatBufferBuilder builder(ByteBuffer first) {
        return new FlatBufferBuilder(first.capacity(), new FlatBufferBuilder.ByteBufferFactory() {
            private boolean given;

            @Override
            public ByteBuffer newByteBuffer(int capacity) {
                if (!given && capacity == first.capacity()) {
                    given = true;
                    return first;
                }
                return ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
            }
        });
    }

    /** Builds the model in {@code into}, each constant's place recorded in {@code holes} and left unwritten. */
    private static FlatBufferBuilder build(TflModel m, ByteBuffer into, List<Hole> holes) {
        FlatBufferBuilder b = builder(into);

        int[] buffers = new int[m.buffers.size()];
        for (int i = m.buffers.size() - 1; i >= 0; i--) buffers[i] = buffer(b, m.buffers.get(i), holes);
        int[] tensors = new int[m.tensors.size()];
        for (int i = 0; i < tensors.length; i++) tensors[i] = tensor(b, m.tensors.get(i));

        Map<Long, Integer> codeIndex = new LinkedHashMap<>();
        List<TflModel.TflOp> codes = new ArrayList<>();
        int[] ops = new int[m.ops.size()];
        for (int i = 0; i < ops.length; i++) {
            TflModel.TflOp op = m.ops.get(i);
            long key = ((long) op.code() << 32) | op.version();
            Integer idx = codeIndex.get(key);
            if (idx == null) {
                idx = codes.size();
                codeIndex.put(key, idx);
                codes.add(op);
            }
            ops[i] = operator(b, op, idx);
        }
        int sub = SubGraph.createSubGraph(b, SubGraph.createTensorsVector(b, tensors), SubGraph.createInputsVector(b, ints(m.inputs)),
                SubGraph.createOutputsVector(b, ints(m.outputs)), SubGraph.createOperatorsVector(b, ops), b.createString(m.subgraphName));
        int[] opCodes = new int[codes.size()];
        for (int i = 0; i < opCodes.length; i++) {
            TflModel.TflOp c = codes.get(i);
            opCodes[i] = OperatorCode.createOperatorCode(b, (byte) Math.min(c.code(), 127), 0, c.version(), c.code());
        }
        int[] meta = new int[m.metadata.size()];
        for (int i = 0; i < meta.length; i++) {
            meta[i] = Metadata.createMetadata(b, b.createString(m.metadata.get(i).name()), m.metadata.get(i).buffer());
        }
        int sig = signature(b, m);
        int model = Model.createModel(b, 3, Model.createOperatorCodesVector(b, opCodes), Model.createSubgraphsVector(b, new int[] {sub}),
                b.createString(m.description), Model.createBuffersVector(b, buffers), 0, Model.createMetadataVector(b, meta),
                Model.createSignatureDefsVector(b, new int[] {sig}));
        Model.finishModelBuffer(b, model);
        return b;
    }

    private static int buffer(FlatBufferBuilder b, ConstData d, List<Hole> holes) {
        if (d.isEmpty()) {
            Buffer.startBuffer(b);
            return Buffer.endBuffer(b);
        }
        b.createUnintializedVector(1, d.byteLength(), ALIGN);
        holes.add(new Hole(d, b.offset()));
        int data = b.endVector();
        return Buffer.createBuffer(b, data);
    }

    /** A constant's bytes at file offset {@code at}, made in {@code bytes}; returns their length. */
    private static int writeConstant(ConstData d, ByteBuffer bytes, long at, FileChannel ch) throws IOException {
        int n = d.byteLength();
        bytes.clear().limit(n);
        d.writeTo(bytes);
        if (bytes.position() != n) throw new IllegalStateException("constant wrote " + bytes.position() + " of " + n + " bytes");
        write(bytes.flip(), at, ch);
        return n;
    }

    private static int tensor(FlatBufferBuilder b, TflModel.TflTensor t) {
        int shape = Tensor.createShapeVector(b, t.shape().toArray());
        int name = b.createString(t.name());
        Tensor.startTensor(b);
        Tensor.addShape(b, shape);
        Tensor.addType(b, t.type());
        Tensor.addBuffer(b, t.buffer());
        Tensor.addName(b, name);
        return Tensor.endTensor(b);
    }

    private static int operator(FlatBufferBuilder b, TflModel.TflOp op, int codeIndex) {
        int in = Operator.createInputsVector(b, op.inputs()), out = Operator.createOutputsVector(b, op.outputs());
        int opts = op.options() == null ? 0 : op.options().write(b);
        Operator.startOperator(b);
        Operator.addOpcodeIndex(b, codeIndex);
        Operator.addInputs(b, in);
        Operator.addOutputs(b, out);
        if (op.options() != null) {
            Operator.addBuiltinOptionsType(b, op.optionsType());
            Operator.addBuiltinOptions(b, opts);
        }
        return Operator.endOperator(b);
    }

    private static int signature(FlatBufferBuilder b, TflModel m) {
        int[] ins = new int[m.inputs.size()], outs = new int[m.outputs.size()];
        for (int i = 0; i < ins.length; i++) ins[i] = TensorMap.createTensorMap(b, b.createString(m.inputNames.get(i)), m.inputs.get(i));
        for (int i = 0; i < outs.length; i++) outs[i] = TensorMap.createTensorMap(b, b.createString(m.outputNames.get(i)), m.outputs.get(i));
        return SignatureDef.createSignatureDef(b, SignatureDef.createInputsVector(b, ins), SignatureDef.createOutputsVector(b, outs),
                b.createString(SIGNATURE), 0);
    }

    private static int[] ints(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
