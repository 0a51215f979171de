package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.ir.Node;
import java.util.List;
import java.util.Map;

/** ReduceMean, ReduceSum, ReduceMax and Softmax. */
final class ReduceWriters {
    private ReduceWriters() {}

    static void register(Map<String, OpWriter> t) {
        t.put("ReduceMean", ReduceWriters::reduceMean);
        t.put("ReduceSum", (n, e) -> reduce(n, e, "ReduceSum", 13));
        t.put("ReduceMax", (n, e) -> reduce(n, e, "ReduceMax", 18));
        t.put("Softmax", ReduceWriters::softmax);
    }

    static void reduceMean(Node n, Emit e) {
        mean(e, e.in(0), n.ints("axes"), n.i("keepdims") != 0, true);
    }

    /**
     * ReduceMean over {@code axes}: the axes are an attribute before opset 18 and an int64 input
     * from 18 on (ReduceMean-18 rejects the attribute). Returns the output name: the node's own
     * output when {@code result}, else a fresh intermediate.
     */
    static String mean(Emit e, String x, long[] axes, boolean keepdims, boolean result) {
        var keep = OnnxAttrs.i("keepdims", keepdims ? 1 : 0);
        List<String> ins = e.opset() >= 18 ? List.of(x, e.int64s("axes", axes)) : List.of(x);
        var attrs = e.opset() >= 18 ? new dev.formwork.proto.onnx.OnnxProto.AttributeProto[] {keep}
                : new dev.formwork.proto.onnx.OnnxProto.AttributeProto[] {OnnxAttrs.ints("axes", axes), keep};
        if (result) {
            e.result("ReduceMean", ins, attrs);
            return e.out();
        }
        return e.tmp("ReduceMean", ins, attrs);
    }

    /** A reduction whose axes move from attribute to int64 input at {@code axesInputSince} (ReduceSum 13, ReduceMax 18). */
    static void reduce(Node n, Emit e, String op, int axesInputSince) {
        var keep = OnnxAttrs.i("keepdims", n.i("keepdims"));
        if (e.opset() >= axesInputSince) {
            e.result(op, List.of(e.in(0), e.int64s("axes", n.ints("axes"))), keep);
        } else {
            e.result(op, List.of(e.in(0)), OnnxAttrs.ints("axes", n.ints("axes")), keep);
        }
    }

    /** Softmax-13 normalises along the single given axis, as the IR does. */
    static void softmax(Node n, Emit e) {
        e.result("Softmax", List.of(e.in(0)), OnnxAttrs.i("axis", n.i("axis")));
    }
}
