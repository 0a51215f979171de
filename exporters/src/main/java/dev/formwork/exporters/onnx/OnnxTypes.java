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

    /** Bytes per element of an ONNX data type; 0 for strings and types narrower than a byte, -1 if unknown. */
    public static int elementBytes(int dataType) {
        return switch (dataType) {
            case 2, 3, 9, 17, 18, 19, 20, 24 -> 1; // uint8, int8, bool, float8 variants
            case 4, 5, 10, 16 -> 2; // uint16, int16, float16, bfloat16
            case 1, 6, 12 -> 4; // float, int32, uint32
            case 7, 11, 13, 14 -> 8; // int64, double, uint64, complex64
            case 15 -> 16; // complex128
            case 8, 21, 22, 23, 25, 26 -> 0; // string, 4-bit and 2-bit types
            default -> -1;
        };
    }
}
