package dev.formwork.exporters.onnx;

import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Byte-level re-layouts of constant tensors (the one copy a re-laid-out weight costs). */
public final class TensorBytes {
    private TensorBytes() {}

    /** [r, c] -> [c, r], through an int/short/long view so an L7 weight transposes in milliseconds. */
    public static Tensor transpose2d(Tensor t) {
        Shape s = t.shape();
        if (s.rank() != 2) throw new IllegalArgumentException("transpose2d needs a 2-D tensor, got " + s);
        int rows = s.dim(0), cols = s.dim(1), es = t.dtype().byteSize();
        ByteBuffer src = t.data();
        ByteBuffer dst = ByteBuffer.allocate(Math.toIntExact(t.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        switch (es) {
            case 2 -> {
                java.nio.ShortBuffer a = src.asShortBuffer(), b = dst.asShortBuffer();
                for (int c = 0; c < cols; c++) for (int r = 0; r < rows; r++) b.put(a.get(r * cols + c));
            }
            case 4 -> {
                java.nio.IntBuffer a = src.asIntBuffer(), b = dst.asIntBuffer();
                for (int c = 0; c < cols; c++) for (int r = 0; r < rows; r++) b.put(a.get(r * cols + c));
            }
            default -> {
                java.nio.LongBuffer a = src.asLongBuffer(), b = dst.asLongBuffer();
                for (int c = 0; c < cols; c++) for (int r = 0; r < rows; r++) b.put(a.get(r * cols + c));
            }
        }
        // written through views: dst itself is still at position 0 with limit = capacity
        return Tensor.wrap(t.dtype(), Shape.of(cols, rows), dst);
    }
}
