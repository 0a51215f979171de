package dev.formwork.exporters.onnx;

import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.proto.onnx.OnnxProto.TensorProto.DataType;
import dev.formwork.proto.onnx.OnnxProto.TensorShapeProto;
import dev.formwork.proto.onnx.OnnxProto.TypeProto;
import dev.formwork.proto.onnx.OnnxProto.ValueInfoProto;

/** Mapping between IR element types and ONNX TensorProto.DataType, and value-info builders. */
public final class OnnxTypes {
    private OnnxTypes() {}

    public static int elemType(DType t) {
        return switch (t) {
            case FLOAT32 -> DataType.FLOAT_VALUE;
            case FLOAT16 -> DataType.FLOAT16_VALUE;
            case INT64 -> DataType.INT64_VALUE;
            case INT32 -> DataType.INT32_VALUE;
        };
    }

    /** The IR type of an ONNX element type, or null when the IR has none (double, bool, ...). */
    public static DType dtypeOrNull(int elemType) {
        return switch (elemType) {
            case DataType.FLOAT_VALUE -> DType.FLOAT32;
            case DataType.FLOAT16_VALUE -> DType.FLOAT16;
            case DataType.INT64_VALUE -> DType.INT64;
            case DataType.INT32_VALUE -> DType.INT32;
            default -> null;
        };
    }

    public static DType dtype(int elemType, String where) {
        DType d = dtypeOrNull(elemType);
        if (d == null) {
            DataType dt = DataType.forNumber(elemType);
            throw new FormworkException(where + ": element type " + (dt == null ? elemType : dt.name()) + " is not supported");
        }
        return d;
    }

    /** A static-shaped tensor value declaration. */
    public static ValueInfoProto valueInfo(String name, DType dtype, Shape shape) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : shape.toArray()) s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(elemType(dtype)).setShape(s);
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }
}
