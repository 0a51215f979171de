package dev.formwork.ir;

/** Element types a tensor may hold. Activations are always FLOAT32 in the reference interpreter. */
public enum DType {
    FLOAT32(4, "float32"),
    FLOAT16(2, "float16"),
    INT64(8, "int64"),
    INT32(4, "int32");

    private final int byteSize;
    private final String label;

    DType(int byteSize, String label) {
        this.byteSize = byteSize;
        this.label = label;
    }

    public int byteSize() {
        return byteSize;
    }

    /** Lower-case name used in dumps and JSON, e.g. {@code float32}. */
    public String label() {
        return label;
    }

    public boolean isFloat() {
        return this == FLOAT32 || this == FLOAT16;
    }

    public static DType fromLabel(String s) {
        for (DType d : values()) {
            if (d.label.equals(s)) return d;
        }
        throw new IllegalArgumentException("unknown dtype " + s);
    }
}
