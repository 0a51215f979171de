package dev.formwork.runtimes.coreml.nn;

import dev.formwork.ir.interp.NdArray;

/** The semantics of one NeuralNetwork layer type. */
@FunctionalInterface
interface NnLayer {
    NdArray[] run(NnLayerContext c);
}
