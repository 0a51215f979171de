package dev.formwork.exporters.coreml.validate;

import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Dimension;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorType;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorValue;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;

/**
 * Facts about MIL element types, from {@code mlmodel/format/MIL.proto} and the MIL blob format
 * ({@code mlmodel/src/MILBlob/Blob/BlobDataType.hpp}; formats.md §2.2, §2.4).
 *
 * <p>The blob file numbers its types differently from the MIL {@code DataType} enum
 * (Float16 is 1 in the blob, FLOAT16 is 10 in MIL).
 */
public final class MilTypes {
    private MilTypes() {}

    /** The coremltools string name of a type, as {@code cast(dtype=...)} spells it. */
    public static String name(DataType t) {
        return switch (t) {
            case BOOL -> "bool";
            case STRING -> "string";
            case FLOAT16 -> "fp16";
            case FLOAT32 -> "fp32";
            case FLOAT64 -> "fp64";
            case BFLOAT16 -> "bf16";
            case INT8 -> "int8";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case UINT8 -> "uint8";
            case UINT16 -> "uint16";
            case UINT32 -> "uint32";
            case UINT64 -> "uint64";
            default -> t.name().toLowerCase();
        };
    }

    /** The type named by a {@code cast} dtype string, or null. */
    public static DataType fromName(String s) {
        for (DataType t : DataType.values()) {
            if (t != DataType.UNRECOGNIZED && t != DataType.UNUSED_TYPE && name(t).equals(s)) return t;
        }
        return null;
    }

    public static boolean isFloat(DataType t) {
        return t == DataType.FLOAT16 || t == DataType.FLOAT32 || t == DataType.FLOAT64 || t == DataType.BFLOAT16;
    }

    public static boolean isInt(DataType t) {
        return switch (t) {
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64 -> true;
            default -> false;
        };
    }

    /** Bytes per element for byte-aligned types, 0 for sub-byte, string and unknown types. */
    public static int byteSize(DataType t) {
        return switch (t) {
            case BOOL, INT8, UINT8 -> 1;
            case FLOAT16, BFLOAT16, INT16, UINT16 -> 2;
            case FLOAT32, INT32, UINT32 -> 4;
            case FLOAT64, INT64, UINT64 -> 8;
            default -> 0;
        };
    }

    /** The blob-file type code for a MIL type, or -1 when the blob file cannot hold it. */
    public static int blobCode(DataType t) {
        return switch (t) {
            case FLOAT16 -> 1;
            case FLOAT32 -> 2;
            case UINT8 -> 3;
            case INT8 -> 4;
            case BFLOAT16 -> 5;
            case INT16 -> 6;
            case UINT16 -> 7;
            case INT4 -> 8;
            case UINT1 -> 9;
            case UINT2 -> 10;
            case UINT4 -> 11;
            case UINT3 -> 12;
            case UINT6 -> 13;
            case INT32 -> 14;
            case UINT32 -> 15;
            case FLOAT8E4M3FN -> 16;
            case FLOAT8E5M2 -> 17;
            default -> -1;
        };
    }

    /**
     * The {@code TensorValue} field an immediate value of this type must use (what the MIL
     * parser reads): fp32 floats; int32/int16/uint16 ints; int64/uint64 longInts; bool bools;
     * string strings; fp64 doubles; fp16, int8, uint8, uint32 and sub-byte types raw bytes.
     */
    public static TensorValue.ValueCase immediateField(DataType t) {
        return switch (t) {
            case FLOAT32 -> TensorValue.ValueCase.FLOATS;
            case INT32, INT16, UINT16 -> TensorValue.ValueCase.INTS;
            case INT64, UINT64 -> TensorValue.ValueCase.LONGINTS;
            case BOOL -> TensorValue.ValueCase.BOOLS;
            case STRING -> TensorValue.ValueCase.STRINGS;
            case FLOAT64 -> TensorValue.ValueCase.DOUBLES;
            default -> TensorValue.ValueCase.BYTES;
        };
    }

    /** The dims of a tensor type, -1 for an unknown dimension. */
    public static long[] dims(TensorType t) {
        long[] d = new long[t.getDimensionsCount()];
        for (int i = 0; i < d.length; i++) {
            Dimension dim = t.getDimensions(i);
            d[i] = dim.hasConstant() ? dim.getConstant().getSize() : -1;
        }
        return d;
    }

    /** Element count of a fully known tensor type, -1 when a dimension is unknown. */
    public static long numel(TensorType t) {
        long n = 1;
        for (long d : dims(t)) {
            if (d < 0) return -1;
            n *= d;
        }
        return n;
    }

    /** {@code fp16[1,3,224,224]}-style text of a value type. */
    public static String describe(ValueType vt) {
        if (!vt.hasTensorType()) return vt.getTypeCase().name().toLowerCase();
        TensorType t = vt.getTensorType();
        StringBuilder b = new StringBuilder(name(t.getDataType())).append('[');
        long[] d = dims(t);
        for (int i = 0; i < d.length; i++) {
            if (i > 0) b.append(',');
            b.append(d[i] < 0 ? "?" : Long.toString(d[i]));
        }
        return b.append(']').toString();
    }
}
