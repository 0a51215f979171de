package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.ir.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** MatMul (same semantics) and Linear, y = x W^T + b with W stored [out, in]. */
final class MatMulWriters {
    private MatMulWriters() {}

    static void register(Map<String, OpWriter> t) {
        t.put("MatMul", (n, e) -> e.result("MatMul", List.of(e.in(0), e.in(1))));
        t.put("Linear", MatMulWriters::linear);
    }

    /**
     * On a matrix input, Gemm(x, W, b, transB=1) uses the checkpoint's [out, in] weight as is.
     * Gemm is 2-D only, so for token tensors [B, N, C] (or a vector) it becomes
     * MatMul(x, W^T) + b, with W^T stored once as the initializer {@code <key>.T}.
     */
    static void linear(Node n, Emit e) {
        if (n.input(0).shape().rank() == 2) {
            List<String> ins = new ArrayList<>(List.of(e.in(0), e.in(1)));
            if (e.hasInput(2)) ins.add(e.in(2));
            e.result("Gemm", ins, OnnxAttrs.i("transB", 1));
            return;
        }
        String wt = e.transposed(1);
        if (!e.hasInput(2)) {
            e.result("MatMul", List.of(e.in(0), wt));
            return;
        }
        String product = e.tmp("MatMul", List.of(e.in(0), wt));
        e.result("Add", List.of(product, e.in(2)));
    }
}
