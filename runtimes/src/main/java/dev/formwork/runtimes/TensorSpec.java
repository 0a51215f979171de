package dev.formwork.runtimes;

import dev.formwork.ir.DType;
import dev.formwork.ir.Shape;

/** Name, element type and shape of an artifact's input or output. */
public record TensorSpec(String name, DType dtype, Shape shape) {}
