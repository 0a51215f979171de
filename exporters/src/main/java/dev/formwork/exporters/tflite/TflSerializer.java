package dev.formwork.exporters.tflite;

import com.google.flatbuffers.FlatBufferBuilder;
import java.nio.ByteBuffer;
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

    private static final FlatBufferBuilder.ByteBufferFactory DIRECT = new FlatBufferBuilder.ByteBufferFactory() {
        @Override
        public ByteBuffer newByteBuffer(int capacity) {
            return ByteBuffer.allocateDirect(capacity).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        }
    };

    private TflSerializer() {}

    /** The finished flatbuffer: position at its first byte, limit at its end (a view of the builder's buffer). */
    static ByteBuffer serialize(TflModel m) {
        Model.ValidateVersion();
        long estimate = m.constantBytes() + (long) ALIGN * m.buffers.size() + 256L * (m.tensors.size() + m.ops.size()) + (1 << 16);
        if (estimate > Integer.MAX_VALUE - 8) throw new dev.formwork.ir.FormworkException("model too large for a flatbuffer (>2 GB)");
        // Off-heap: the finished model is one buffer as large as all the weights, which a Java heap
        // sized for the graph would have to find room for in one piece beside the weights.
        FlatBufferBuilder b = new FlatBufferBuilder((int) estimate, DIRECT);

        int[] buffers = new int[m.buffers.size()];
        for (int i = m.buffers.size() - 1; i >= 0; i--) buffers[i] = buffer(b, m.buffers.get(i));
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
        return b.dataBuffer();
    }

    private static int buffer(FlatBufferBuilder b, ConstData d) {
        if (d.isEmpty()) {
            Buffer.startBuffer(b);
            return Buffer.endBuffer(b);
        }
        int n = d.byteLength();
        ByteBuffer dst = b.createUnintializedVector(1, n, ALIGN);
        d.writeTo(dst);
        if (dst.position() != n) throw new IllegalStateException("constant wrote " + dst.position() + " of " + n + " bytes");
        int data = b.endVector();
        return Buffer.createBuffer(b, data);
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
