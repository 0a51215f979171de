package dev.formwork.frontends.weights.torch;

/**
 * The legacy typed-storage classes torch pickles as the element type of a storage
 * ({@code torch.FloatStorage} ... {@code torch.BoolStorage}). In a pickle they are only names:
 * the second field of a persistent id, never called. All are accepted while unpickling, so a
 * training checkpoint whose optimizer holds, say, a bool tensor still loads; whether a tensor's
 * element type is usable is decided only for the tensors of the state dict actually read.
 */
public enum StorageType {
    FLOAT("FloatStorage", "float32", 4),
    DOUBLE("DoubleStorage", "float64", 8),
    HALF("HalfStorage", "float16", 2),
    BFLOAT16("BFloat16Storage", "bfloat16", 2),
    LONG("LongStorage", "int64", 8),
    INT("IntStorage", "int32", 4),
    SHORT("ShortStorage", "int16", 2),
    CHAR("CharStorage", "int8", 1),
    BYTE("ByteStorage", "uint8", 1),
    BOOL("BoolStorage", "bool", 1);

    private final String pythonName;
    private final String dtypeName;
    private final int elementSize;

    StorageType(String pythonName, String dtypeName, int elementSize) {
        this.pythonName = pythonName;
        this.dtypeName = dtypeName;
        this.elementSize = elementSize;
    }

    /** The class name under {@code torch}, e.g. {@code FloatStorage}. */
    public String pythonName() {
        return pythonName;
    }

    /** The torch dtype name, e.g. {@code float32}. */
    public String dtypeName() {
        return dtypeName;
    }

    /** Bytes per element. */
    public int elementSize() {
        return elementSize;
    }

    /** The type for a {@code torch.<name>} global, or null. */
    static StorageType byPythonName(String name) {
        for (StorageType t : values()) {
            if (t.pythonName.equals(name)) return t;
        }
        return null;
    }
}
