package dev.formwork.exporters.onnx;

import com.google.protobuf.ByteString;
import dev.formwork.proto.onnx.OnnxProto.AttributeProto;
import dev.formwork.proto.onnx.OnnxProto.AttributeProto.AttributeType;

/**
 * Typed ONNX attributes. Every attribute carries its {@code type} field: the ONNX checker rejects
 * attributes without it (formats.md §6 rule 6).
 */
public final class OnnxAttrs {
    private OnnxAttrs() {}

    public static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.INT).setI(v).build();
    }

    public static AttributeProto f(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.FLOAT).setF(v).build();
    }

    public static AttributeProto s(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    public static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeType.INTS);
        for (long x : v) b.addInts(x);
        return b.build();
    }
}
