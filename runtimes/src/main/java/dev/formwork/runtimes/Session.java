package dev.formwork.runtimes;

import dev.formwork.ir.interp.NdArray;
import java.util.List;

/** A loaded artifact, ready to run; close it to free the runtime's native memory. */
public interface Session extends AutoCloseable {
    List<TensorSpec> inputs();

    List<TensorSpec> outputs();

    /** Runs with inputs in declared order; outputs in declared order, as float32. */
    NdArray[] run(NdArray... inputs);

    @Override
    void close();
}
