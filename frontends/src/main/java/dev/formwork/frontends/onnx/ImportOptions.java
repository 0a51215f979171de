package dev.formwork.frontends.onnx;

import dev.formwork.ir.interp.NdArray;
import java.util.Map;

/**
 * How to make an ONNX graph static: the batch size and the square image size that bind dynamic
 * input dims (null = not given; a dynamic dim without a binding is an error naming the input),
 * and graph inputs to import as constants with the given values (a model whose weights arrive
 * as inputs, such as ONNX's node tests).
 */
public record ImportOptions(Integer batch, Integer imageSize, Map<String, NdArray> frozenInputs) {
    public ImportOptions {
        frozenInputs = Map.copyOf(frozenInputs);
    }

    public static ImportOptions defaults() {
        return new ImportOptions(null, null, Map.of());
    }
}
