package dev.formwork.exporters.savedmodel;

import com.google.protobuf.ByteString;
import dev.formwork.ir.Shape;
import dev.formwork.proto.tensorflow.SavedModelProto.AttrValue;
import dev.formwork.proto.tensorflow.SavedModelProto.DataType;
import dev.formwork.proto.tensorflow.SavedModelProto.TensorShapeProto;
import java.nio.charset.StandardCharsets;
import java.util.TreeMap;

/**
 * A node's attributes, kept sorted by name so that the written NodeDef does not depend on the
 * order a writer set them in.
 */
final class TfAttrs {
    final TreeMap<String, AttrValue> map = new TreeMap<>();

    static TfAttrs of() {
        return new TfAttrs();
    }

    /** {@code T = DT_FLOAT}, the attribute nearly every op here carries. */
    static TfAttrs floatT() {
        return new TfAttrs().type("T", DataType.DT_FLOAT);
    }

    TfAttrs type(String k, DataType t) {
        map.put(k, AttrValue.newBuilder().setType(t).build());
        return this;
    }

    TfAttrs i(String k, long v) {
        map.put(k, AttrValue.newBuilder().setI(v).build());
        return this;
    }

    TfAttrs f(String k, float v) {
        map.put(k, AttrValue.newBuilder().setF(v).build());
        return this;
    }

    TfAttrs b(String k, boolean v) {
        map.put(k, AttrValue.newBuilder().setB(v).build());
        return this;
    }

    TfAttrs s(String k, String v) {
        map.put(k, AttrValue.newBuilder().setS(ByteString.copyFrom(v, StandardCharsets.UTF_8)).build());
        return this;
    }

    TfAttrs ints(String k, long... v) {
        AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
        for (long x : v) l.addI(x);
        map.put(k, AttrValue.newBuilder().setList(l).build());
        return this;
    }

    TfAttrs shape(String k, Shape s) {
        map.put(k, AttrValue.newBuilder().setShape(shapeProto(s)).build());
        return this;
    }

    TfAttrs put(String k, AttrValue v) {
        map.put(k, v);
        return this;
    }

    static TensorShapeProto shapeProto(Shape s) {
        TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
        for (int i = 0; i < s.rank(); i++) b.addDim(TensorShapeProto.Dim.newBuilder().setSize(s.dim(i)));
        return b.build();
    }
}
