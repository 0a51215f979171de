package dev.formwork.exporters.coreml.mil;

import dev.formwork.proto.coreml.CoreMlMilProto.DataType;

/**
 * A value of the MIL program being written: its name, element type and static shape (rank 0 for
 * a scalar). The writer knows every shape from the IR, so declared output types are exact.
 */
public record MilVar(String name, DataType dtype, int[] shape) {
    public int rank() {
        return shape.length;
    }

    public boolean isFloat() {
        return dtype == DataType.FLOAT16 || dtype == DataType.FLOAT32;
    }
}
