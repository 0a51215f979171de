package dev.formwork.frontends.weights.torch;

import dev.formwork.frontends.weights.torch.Pickled.StorageRef;
import dev.formwork.frontends.weights.torch.Pickled.TensorRef;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link TensorRef}s (a window of a storage) into IR tensors. Each storage record is read
 * once (a mapping of the file region, see {@link Records}) and shared by every tensor that views
 * it.
 *
 * <p>A contiguous tensor is a slice of its storage, so of the mapped file: no copy. Strided
 * (non-contiguous) tensors, which a state dict holds when a parameter was saved as a view of a
 * transposed or sliced tensor or in {@code channels_last} memory format, are gathered into a new
 * contiguous buffer. float32, float16, int64 and int32 keep their bytes; bfloat16 is widened to
 * float32 (exact, as the safetensors reader does: the IR has no bfloat16); float64 is narrowed to
 * float32 with a warning (the only lossy conversion); other element types are an error naming
 * the key.
 */
final class StorageReader {
    /** Where the bytes of each storage are: zip entries or the tail of a legacy file. */
    interface Records {
        /**
         * The storage's bytes, exactly {@code numel x element size} long, little-endian; a
         * record of any other size is an error ({@code at} names file and key).
         */
        ByteBuffer bytes(String at, StorageRef s);
    }

    private final String where;
    private final Records records;
    private final Map<String, ByteBuffer> cache = new HashMap<>();
    private final List<String> narrowed = new ArrayList<>();

    StorageReader(String where, Records records) {
        this.where = where;
        this.records = records;
    }

    /** The zip format's records: {@code <prefix>data/<key>} entries. */
    static Records zip(ZipArchive zip, String prefix) {
        return (at, s) -> {
            String name = prefix + "data/" + s.key();
            ZipArchive.Entry e = zip.entry(name);
            if (e == null) throw new FormworkException(at + "storage entry " + Unpickler.printable(name) + " is missing from the zip");
            long need = mul(at, s.numel(), s.type().elementSize());
            if (e.size() != need) {
                throw new FormworkException(at + "storage entry " + Unpickler.printable(name) + " holds " + e.size() + " bytes, the pickle says "
                        + s.numel() + " x " + s.type().dtypeName() + " (" + need + " bytes)");
            }
            return zip.read(e);
        };
    }

    /** Keys of the float64 tensors narrowed to float32 so far, in read order. */
    List<String> narrowed() {
        return narrowed;
    }

    Tensor tensor(String key, TensorRef t) {
        String at = where + ": key \"" + Unpickler.printable(key) + "\": ";
        StorageRef s = t.storage();
        DType dtype = switch (s.type()) {
            case FLOAT, BFLOAT16, DOUBLE -> DType.FLOAT32;
            case HALF -> DType.FLOAT16;
            case LONG -> DType.INT64;
            case INT -> DType.INT32;
            default -> throw new FormworkException(at + "element type " + s.type().dtypeName() + " (torch." + s.type().pythonName()
                    + ") is not supported (float32, float16, bfloat16, float64, int64, int32)");
        };
        long[] size = t.size(), stride = t.stride();
        int[] dims = new int[size.length];
        long numel = 1;
        for (int i = 0; i < size.length; i++) {
            if (size[i] > Integer.MAX_VALUE) throw new FormworkException(at + "dimension " + size[i] + " is too large");
            dims[i] = (int) size[i];
            numel = mul(at, numel, size[i]);
        }
        Shape shape = Shape.of(dims);
        int elem = s.type().elementSize();
        // Highest element index the view touches, which must lie inside the storage.
        long last = t.offset();
        for (int i = 0; i < size.length && numel > 0; i++) last = add(at, last, mul(at, size[i] - 1, stride[i]));
        if (numel > 0 && last >= s.numel()) {
            throw new FormworkException(at + "tensor " + Arrays.toString(size) + " (offset " + t.offset() + ", stride " + Arrays.toString(stride)
                    + ") reaches element " + last + " of storage " + Unpickler.printable(s.key()) + " which has " + s.numel());
        }
        if (numel * elem > Integer.MAX_VALUE) throw new FormworkException(at + "tensor larger than 2 GB is not supported");
        ByteBuffer storage = storage(at, s);
        ByteBuffer bytes;
        if (numel == 0) {
            bytes = ByteBuffer.allocate(0);
        } else if (contiguous(size, stride)) {
            bytes = storage.duplicate().position((int) (t.offset() * elem)).limit((int) ((t.offset() + numel) * elem)).slice();
        } else {
            bytes = gather(storage, elem, t.offset(), size, stride, (int) numel);
        }
        bytes.order(ByteOrder.LITTLE_ENDIAN);
        if (s.type() == StorageType.BFLOAT16) return widenBf16(shape, bytes);
        if (s.type() == StorageType.DOUBLE) {
            narrowed.add(key);
            return narrowF64(shape, bytes);
        }
        return Tensor.wrap(dtype, shape, bytes);
    }

    private ByteBuffer storage(String at, StorageRef s) {
        ByteBuffer b = cache.get(s.key());
        if (b == null) {
            b = records.bytes(at, s);
            cache.put(s.key(), b);
        }
        return b;
    }

    /** Torch's is_contiguous: C-order strides, ignoring dimensions of size 1. */
    static boolean contiguous(long[] size, long[] stride) {
        long expected = 1;
        for (int i = size.length - 1; i >= 0; i--) {
            if (size[i] == 1) continue;
            if (stride[i] != expected) return false;
            expected *= size[i];
        }
        return true;
    }

    /** Copies a strided view into C order (the one copy a non-contiguous tensor costs). */
    private static ByteBuffer gather(ByteBuffer storage, int elem, long offset, long[] size, long[] stride, int numel) {
        ByteBuffer out = ByteBuffer.allocate(numel * elem);
        int rank = size.length;
        long[] idx = new long[rank];
        for (int n = 0; n < numel; n++) {
            long src = offset;
            for (int d = 0; d < rank; d++) src += idx[d] * stride[d];
            int from = (int) (src * elem);
            for (int k = 0; k < elem; k++) out.put(storage.get(from + k));
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < size[d]) break;
                idx[d] = 0;
            }
        }
        return out.flip();
    }

    private static Tensor widenBf16(Shape shape, ByteBuffer b) {
        int n = Math.toIntExact(shape.numel());
        ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) out.putFloat(i * 4, Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16));
        return Tensor.wrap(DType.FLOAT32, shape, out);
    }

    /** Rounds each float64 to the nearest float32 (Java's narrowing is round-to-nearest-even). */
    private static Tensor narrowF64(Shape shape, ByteBuffer b) {
        int n = Math.toIntExact(shape.numel());
        ByteBuffer out = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) out.putFloat(i * 4, (float) b.getDouble(i * 8));
        return Tensor.wrap(DType.FLOAT32, shape, out);
    }

    static long mul(String at, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new FormworkException(at + "tensor size overflows");
        }
    }

    private static long add(String at, long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new FormworkException(at + "tensor size overflows");
        }
    }
}
