package dev.formwork.runtimes.coreml.mil;

import com.google.protobuf.ByteString;
import dev.formwork.exporters.coreml.validate.CoreMlArtifact;
import dev.formwork.exporters.coreml.validate.MilBlobFile;
import dev.formwork.exporters.coreml.validate.MilTypes;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Half;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorType;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorValue;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes MIL {@code Value}s (const {@code val} attributes and inline bindings) into
 * {@link MilValue}s. Immediate tensors are read from the field the MIL parser reads for the
 * declared type (formats.md §2.2: fp32 floats, int32 ints, int64 longInts, bool bools, string
 * strings, fp16/int8/uint8/uint32 raw little-endian bytes); blob-file values through
 * {@link MilBlobFile}, asking for the blob type that matches the declared MIL type.
 */
final class MilConsts {
    private MilConsts() {}

    static MilValue decode(Value v, CoreMlArtifact artifact, String where) {
        if (v.hasImmediateValue() && v.getImmediateValue().hasList()) {
            List<MilValue> items = new ArrayList<>();
            for (Value item : v.getImmediateValue().getList().getValuesList()) items.add(decode(item, artifact, where));
            return MilValue.list(items);
        }
        if (!v.getType().hasTensorType()) throw new FormworkException(where + ": value has no tensor type");
        TensorType t = v.getType().getTensorType();
        long n = MilTypes.numel(t);
        if (n < 0) throw new FormworkException(where + ": constant with unknown dimensions " + MilTypes.describe(v.getType()));
        int[] shape = new int[t.getDimensionsCount()];
        long[] dims = MilTypes.dims(t);
        for (int k = 0; k < shape.length; k++) shape[k] = Math.toIntExact(dims[k]);
        if (t.getRank() != shape.length) {
            throw new FormworkException(where + ": tensor type rank " + t.getRank() + " but " + shape.length + " dimensions");
        }
        DataType dt = t.getDataType();
        int count = Math.toIntExact(n);
        if (v.hasBlobFileValue()) {
            Value.BlobFileValue bf = v.getBlobFileValue();
            int code = MilTypes.blobCode(dt);
            if (code < 0 || MilTypes.byteSize(dt) == 0) {
                throw new FormworkException(where + ": blob-file constant of type " + MilTypes.name(dt) + " is not supported");
            }
            ByteBuffer data = artifact.blobFile(bf.getFileName()).data(bf.getOffset(), code);
            long expect = (long) count * MilTypes.byteSize(dt);
            if (data.remaining() != expect) {
                throw new FormworkException(where + ": blob at offset " + bf.getOffset() + " holds " + data.remaining()
                        + " bytes, the type " + MilTypes.describe(v.getType()) + " needs " + expect);
            }
            return fromBytes(dt, shape, data, count);
        }
        if (!v.hasImmediateValue() || !v.getImmediateValue().hasTensor()) {
            throw new FormworkException(where + ": value is neither an immediate tensor nor a blob file value");
        }
        TensorValue tv = v.getImmediateValue().getTensor();
        TensorValue.ValueCase want = MilTypes.immediateField(dt);
        if (tv.getValueCase() != want) {
            throw new FormworkException(where + ": " + MilTypes.name(dt) + " immediate value stored in field "
                    + tv.getValueCase() + ", the MIL parser reads " + want);
        }
        int got;
        MilValue out;
        switch (want) {
            case FLOATS -> {
                got = tv.getFloats().getValuesCount();
                float[] d = new float[got];
                for (int k = 0; k < got; k++) d[k] = tv.getFloats().getValues(k);
                out = got == count ? MilValue.floats(dt, shape, d) : null;
            }
            case DOUBLES -> {
                got = tv.getDoubles().getValuesCount();
                float[] d = new float[got];
                for (int k = 0; k < got; k++) d[k] = (float) tv.getDoubles().getValues(k);
                out = got == count ? MilValue.floats(dt, shape, d) : null;
            }
            case INTS -> {
                got = tv.getInts().getValuesCount();
                long[] d = new long[got];
                for (int k = 0; k < got; k++) d[k] = tv.getInts().getValues(k);
                out = got == count ? MilValue.ints(dt, shape, d) : null;
            }
            case LONGINTS -> {
                got = tv.getLongInts().getValuesCount();
                long[] d = new long[got];
                for (int k = 0; k < got; k++) d[k] = tv.getLongInts().getValues(k);
                out = got == count ? MilValue.ints(dt, shape, d) : null;
            }
            case BOOLS -> {
                got = tv.getBools().getValuesCount();
                long[] d = new long[got];
                for (int k = 0; k < got; k++) d[k] = tv.getBools().getValues(k) ? 1 : 0;
                out = got == count ? MilValue.ints(dt, shape, d) : null;
            }
            case STRINGS -> {
                got = tv.getStrings().getValuesCount();
                out = got == count ? MilValue.strings(shape, tv.getStrings().getValuesList().toArray(new String[0])) : null;
            }
            default -> {
                ByteString bs = tv.getBytes().getValues();
                int size = MilTypes.byteSize(dt);
                if (size == 0) throw new FormworkException(where + ": immediate " + MilTypes.name(dt) + " values are not supported");
                got = bs.size() / size;
                out = bs.size() == (long) count * size
                        ? fromBytes(dt, shape, bs.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN), count) : null;
            }
        }
        if (out == null) {
            throw new FormworkException(where + ": " + MilTypes.describe(v.getType()) + " needs " + count + " values, the value holds " + got);
        }
        return out;
    }

    private static MilValue fromBytes(DataType dt, int[] shape, ByteBuffer b, int count) {
        b = b.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (dt) {
            case FLOAT32: {
                float[] d = new float[count];
                b.asFloatBuffer().get(d);
                return MilValue.floats(dt, shape, d);
            }
            case FLOAT16: {
                float[] d = new float[count];
                for (int k = 0; k < count; k++) d[k] = Half.toFloat(b.getShort(2 * k));
                return MilValue.floats(dt, shape, d);
            }
            case FLOAT64: {
                float[] d = new float[count];
                for (int k = 0; k < count; k++) d[k] = (float) b.getDouble(8 * k);
                return MilValue.floats(dt, shape, d);
            }
            default: {
                long[] d = new long[count];
                for (int k = 0; k < count; k++) {
                    d[k] = switch (dt) {
                        case INT8 -> b.get(k);
                        case UINT8, BOOL -> b.get(k) & 0xff;
                        case INT16 -> b.getShort(2 * k);
                        case UINT16 -> b.getShort(2 * k) & 0xffff;
                        case INT32 -> b.getInt(4 * k);
                        case UINT32 -> Integer.toUnsignedLong(b.getInt(4 * k));
                        case INT64, UINT64 -> b.getLong(8 * k);
                        default -> throw new FormworkException("constant of type " + MilTypes.name(dt) + " is not supported");
                    };
                }
                return MilValue.ints(dt, shape, d);
            }
        }
    }
}
