package dev.formwork.exporters.onnx.lower;

import dev.formwork.exporters.onnx.OnnxAttrs;
import dev.formwork.ir.Node;
import dev.formwork.ir.Shape;
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
     * Gemm(x, W, b, transB=1) uses the checkpoint's [out, in] weight as is. Gemm is 2-D only, so
     * token tensors [B, N, C] are reshaped to [B*N, C] around it (and back). A MatMul would need
     * W^T as a second copy of the weight, written while the graph still holds the first: for L7's
     * token layers that was 230 MB more memory during conversion.
     */
    static void linear(Node n, Emit e) {
        Shape x = n.input(0).shape();
        List<String> ins = new ArrayList<>();
        if (x.rank() == 2) {
            ins.add(e.in(0));
        } else {
            long rows = x.numel() / x.dim(-1);
            ins.add(e.tmp("Reshape", List.of(e.in(0), e.int64s("rows", rows, x.dim(-1)))));
        }
        ins.add(e.in(1));
        if (e.hasInput(2)) ins.add(e.in(2));
        if (x.rank() == 2) {
            e.result("Gemm", ins, OnnxAttrs.i("transB", 1));
            return;
        }
        String product = e.tmp("Gemm", ins, OnnxAttrs.i("transB", 1));
        e.result("Reshape", List.of(product, e.int64s("shape", n.output().shape().toLongArray())));
    }
}
