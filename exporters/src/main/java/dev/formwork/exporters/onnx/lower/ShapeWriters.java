package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Data-movement ops. Where ONNX takes parameters as inputs (Reshape shape, Split sizes, Slice
 * starts/ends/axes/steps) they are written as int64 initializers named {@code <node>.<param>}.
 */
final class ShapeWriters {
    private ShapeWriters() {}

    static void register(Map<String, OpWriter> t) {
        t.put("Reshape", ShapeWriters::reshape);
        t.put("Flatten", ShapeWriters::reshape);
        t.put("Transpose", (n, e) -> e.result("Transpose", List.of(e.in(0)), OnnxAttrs.ints("perm", n.ints("perm"))));
        t.put("Split", ShapeWriters::split);
        t.put("Slice", ShapeWriters::slice);
        t.put("Concat", ShapeWriters::concat);
        t.put("SpaceToDepth", (n, e) -> e.result("SpaceToDepth", List.of(e.in(0)), OnnxAttrs.i("blocksize", n.i("blocksize"))));
        t.put("Gather", (n, e) -> e.result("Gather", List.of(e.in(0), e.in(1)), OnnxAttrs.i("axis", n.i("axis"))));
        t.put("Constant", ShapeWriters::constant);
    }

    /**
     * Reshape and Flatten both become a Reshape to the (static) output shape. Writing the resolved
     * shape rather than the IR's -1 form means ONNX's "0 copies the input dimension" rule can
     * never apply; a genuinely empty dimension needs allowzero=1 (opset 14+, refused by check below).
     */
    static void reshape(Node n, Emit e) {
        Shape s = n.output().shape();
        String shape = e.int64s("shape", s.toLongArray());
        boolean hasZero = Arrays.stream(s.toArray()).anyMatch(d -> d == 0);
        if (hasZero) e.result("Reshape", List.of(e.in(0), shape), OnnxAttrs.i("allowzero", 1));
        else e.result("Reshape", List.of(e.in(0), shape));
    }

    /** Split sizes as an int64 input (the form since opset 13). */
    static void split(Node n, Emit e) {
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < n.outputs().size(); i++) outs.add(e.out(i));
        e.op("Split", List.of(e.in(0), e.int64s("split", n.ints("split"))), outs, OnnxAttrs.i("axis", n.i("axis")));
    }

    static void slice(Node n, Emit e) {
        long[] axes = n.ints("axes");
        long[] steps = n.ints("steps");
        if (steps.length == 0) {
            steps = new long[axes.length];
            Arrays.fill(steps, 1);
        }
        e.result("Slice", List.of(e.in(0), e.int64s("starts", n.ints("starts")), e.int64s("ends", n.ints("ends")),
                e.int64s("axes", axes), e.int64s("steps", steps)));
    }

    static void concat(Node n, Emit e) {
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < n.inputCount(); i++) ins.add(e.in(i));
        e.result("Concat", ins, OnnxAttrs.i("axis", n.i("axis")));
    }

    /** An IR Constant node becomes an initializer named after its output value. */
    static void constant(Node n, Emit e) {
        e.initializerForOutput(n.tensor("value"));
    }
}
