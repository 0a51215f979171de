package dev.formwork.frontends.onnx;

import dev.formwork.frontends.onnx.OnnxFile.TensorData;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.interp.NdArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * ONNX tensors to IR tensors. float32 / float16 / int64 / int32 raw data is wrapped, not copied
 * (external data is a mapping of its file); bool and small integer types widen to int64, double
 * narrows to float32 (the IR computes in float32).
 */
final class OnnxTensors {
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, BOOL = 9, FLOAT16 = 10,
            DOUBLE = 11, UINT32 = 12, UINT64 = 13;

    private OnnxTensors() {}

    static String typeName(int t) {
        return switch (t) {
            case FLOAT -> "float32";
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case UINT16 -> "uint16";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case 8 -> "string";
            case BOOL -> "bool";
            case FLOAT16 -> "float16";
            case DOUBLE -> "float64";
            case UINT32 -> "uint32";
            case UINT64 -> "uint64";
            case 16 -> "bfloat16";
            default -> "data type " + t;
        };
    }

    /** The IR element type a value of ONNX type {@code t} is held in, or null when the IR cannot hold it. */
    static DType irType(int t) {
        return switch (t) {
            case FLOAT, DOUBLE -> DType.FLOAT32;
            case FLOAT16 -> DType.FLOAT16;
            case INT64, INT32, INT16, INT8, UINT8, UINT16, UINT32, BOOL -> DType.INT64;
            default -> null;
        };
    }

    static Shape shape(TensorData t) {
        return Shape.of(t.dims());
    }

    /** The tensor as an IR constant; {@code where} names it in errors. */
    static Tensor toTensor(TensorData t, Path modelDir, String where) {
        Shape shape = shape(t);
        long n = shape.numel();
        ByteBuffer raw = raw(t, modelDir, where);
        switch (t.dataType()) {
            case FLOAT, FLOAT16, INT64, INT32 -> {
                DType d = t.dataType() == FLOAT ? DType.FLOAT32 : t.dataType() == FLOAT16 ? DType.FLOAT16
                        : t.dataType() == INT64 ? DType.INT64 : DType.INT32;
                if (raw != null) {
                    if (raw.remaining() != n * d.byteSize()) throw bad(where, t, "holds " + raw.remaining() + " bytes, expected " + n * d.byteSize());
                    Tensor wrapped = Tensor.wrap(d, shape, raw);
                    return d == DType.INT32 ? Tensor.ofLongs(shape, wrapped.toLongArray()) : wrapped;
                }
                if (d == DType.FLOAT32) return Tensor.ofFloats(shape, check(where, t, t.floatData().length, n, t.floatData()));
                if (d == DType.INT64) return Tensor.ofLongs(shape, check(where, t, t.int64Data().length, n, t.int64Data()));
                int[] i32 = check(where, t, t.int32Data().length, n, t.int32Data());
                if (d == DType.FLOAT16) {
                    ByteBuffer b = ByteBuffer.allocate((int) n * 2).order(ByteOrder.LITTLE_ENDIAN);
                    for (int v : i32) b.putShort((short) v);
                    return Tensor.wrap(DType.FLOAT16, shape, b.flip());
                }
                long[] l = new long[i32.length];
                for (int i = 0; i < l.length; i++) l[i] = i32[i];
                return Tensor.ofLongs(shape, l);
            }
            case DOUBLE -> {
                double[] d = t.doubleData();
                float[] f = new float[(int) n];
                if (raw != null) {
                    if (raw.remaining() != n * 8) throw bad(where, t, "holds " + raw.remaining() + " bytes, expected " + n * 8);
                    for (int i = 0; i < n; i++) f[i] = (float) raw.getDouble(raw.position() + i * 8);
                } else {
                    check(where, t, d.length, n, d);
                    for (int i = 0; i < n; i++) f[i] = (float) d[i];
                }
                return Tensor.ofFloats(shape, f);
            }
            case BOOL, UINT8, INT8, UINT16, INT16, UINT32 -> {
                long[] l = new long[(int) n];
                if (raw != null) {
                    int size = switch (t.dataType()) {
                        case BOOL, UINT8, INT8 -> 1;
                        case UINT16, INT16 -> 2;
                        default -> 4;
                    };
                    if (raw.remaining() != n * size) throw bad(where, t, "holds " + raw.remaining() + " bytes, expected " + n * size);
                    for (int i = 0; i < n; i++) {
                        int p = raw.position() + i * size;
                        l[i] = switch (t.dataType()) {
                            case BOOL, UINT8 -> raw.get(p) & 0xff;
                            case INT8 -> raw.get(p);
                            case UINT16 -> raw.getShort(p) & 0xffff;
                            case INT16 -> raw.getShort(p);
                            default -> raw.getInt(p) & 0xffffffffL;
                        };
                    }
                } else {
                    int[] i32 = check(where, t, t.int32Data().length, n, t.int32Data());
                    for (int i = 0; i < n; i++) l[i] = i32[i];
                }
                return Tensor.ofLongs(shape, l);
            }
            default -> throw bad(where, t, "has data type " + typeName(t.dataType()) + ", which Formwork does not import");
        }
    }

    static NdArray toArray(TensorData t, Path modelDir, String where) {
        return NdArray.fromTensor(toTensor(t, modelDir, where));
    }

    private static <A> A check(String where, TensorData t, int have, long n, A data) {
        if (have != n) throw bad(where, t, "holds " + have + " values, its dims " + shape(t) + " need " + n);
        return data;
    }

    private static FormworkException bad(String where, TensorData t, String what) {
        return new FormworkException(where + ": tensor " + shown(t.name()) + " " + what);
    }

    /**
     * The raw bytes: the {@code raw_data} slice, or the mapped range of an external-data file
     * (location relative to the model's folder, never outside it); null for typed fields.
     */
    private static ByteBuffer raw(TensorData t, Path modelDir, String where) {
        if (t.external().isEmpty()) return t.raw();
        String location = t.external().get("location");
        if (location == null || location.isEmpty()) throw bad(where, t, "has external data without a location");
        Path file = contained(where, t, modelDir, location);
        // Judged by stat, never by opening: a FIFO or device named by the file would block or never end.
        if (Files.exists(file) && !Files.isRegularFile(file)) throw bad(where, t, "has external data at " + shown(location) + ", which is not a regular file");
        long offset;
        try {
            offset = Long.parseLong(t.external().getOrDefault("offset", "0"));
        } catch (NumberFormatException e) {
            throw bad(where, t, "external data offset '" + shown(t.external().get("offset")) + "' is not an integer");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = t.external().containsKey("length") ? Long.parseLong(t.external().get("length")) : ch.size() - offset;
            if (offset < 0 || length < 0 || offset + length > ch.size() || length > Integer.MAX_VALUE) {
                throw bad(where, t, "external range " + offset + "+" + length + " is outside " + shown(location) + " (" + ch.size() + " bytes)");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (java.nio.file.NoSuchFileException e) {
            throw bad(where, t, "has external data file " + shown(location) + ", which does not exist");
        } catch (IOException | NumberFormatException e) {
            throw bad(where, t, "external data unreadable: " + shown(String.valueOf(e.getMessage())));
        }
    }

    /**
     * The external-data file inside the model's folder, judged by the location's text alone:
     * absolute paths, drive letters, {@code ..} segments and NUL bytes are refused.
     */
    private static Path contained(String where, TensorData t, Path modelDir, String location) {
        String l = location.replace('\\', '/');
        if (l.indexOf('\0') >= 0) throw bad(where, t, "has external data at " + shown(location) + ", a path with a NUL byte");
        if (l.startsWith("/") || (l.length() > 1 && l.charAt(1) == ':')) {
            throw bad(where, t, "has external data at " + shown(location) + ", an absolute path; it must be inside the model's folder");
        }
        Path dir = (modelDir == null ? Path.of(".") : modelDir).toAbsolutePath().normalize();
        Path file;
        try {
            file = dir.resolve(l).normalize();
        } catch (InvalidPathException e) {
            throw bad(where, t, "has external data at " + shown(location) + ", not a valid path");
        }
        if (Arrays.asList(l.split("/")).contains("..") || !file.startsWith(dir) || file.equals(dir)) {
            throw bad(where, t, "has external data at " + shown(location) + ", outside the model's folder");
        }
        return file;
    }

    private static String shown(String s) {
        return FormworkException.shown(s);
    }
}
