package dev.formwork.ir;

/** Static type of a value: element type and shape. */
public record ValueType(DType dtype, Shape shape) {
    public static ValueType f32(int... dims) {
        return new ValueType(DType.FLOAT32, Shape.of(dims));
    }

    public static ValueType f32(Shape shape) {
        return new ValueType(DType.FLOAT32, shape);
    }

    public int rank() {
        return shape.rank();
    }

    @Override
    public String toString() {
        return dtype.label() + shape;
    }
}
