package dev.formwork.passes.layout;

import dev.formwork.ir.Node;
import dev.formwork.ir.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one op type is re-expressed for the new layout: read the layouts of the inputs, ask
 * {@link LayoutContext#as} for the layouts the op needs, emit the op (with axes rewritten to
 * physical positions) and {@link LayoutContext#define} its outputs' layouts.
 */
interface LayoutRule {
    void rewrite(Node n, LayoutContext cx);

    /** The lowering table: op type -> rule. Ops not listed run in their logical layout. */
    static Map<String, LayoutRule> table() {
        Map<String, LayoutRule> m = new LinkedHashMap<>();
        for (String op : List.of("Relu", "Gelu", "Erf", "Tanh", "Sigmoid", "Sqrt", "Exp", "HardSwish")) m.put(op, ElementwiseRules::unary);
        m.put("Identity", ElementwiseRules::identity);
        for (String op : List.of("Add", "Sub", "Mul", "Div", "Pow")) m.put(op, ElementwiseRules::binary);
        m.put("Conv", SpatialRules::conv);
        for (String op : List.of("AveragePool", "Resize", "SpaceToDepth")) m.put(op, SpatialRules::nhwcOnly);
        m.put("MaxPool", SpatialRules::maxPool);
        m.put("BatchNorm", SpatialRules::batchNorm);
        m.put("MatMul", MatMulRules::matMul);
        m.put("Linear", MatMulRules::linear);
        for (String op : List.of("ReduceMean", "ReduceSum", "ReduceMax")) m.put(op, ReduceRules::reduce);
        m.put("Softmax", ReduceRules::softmax);
        m.put("LayerNorm", ReduceRules::layerNorm);
        m.put("Reshape", ShapeRules::reshape);
        m.put("Flatten", ShapeRules::reshape);
        m.put("Transpose", ShapeRules::transpose);
        m.put("Split", ShapeRules::split);
        m.put("Slice", ShapeRules::slice);
        m.put("Concat", ShapeRules::concat);
        return m;
    }

    /** Any other op: inputs in their logical layout, the op unchanged, outputs logical. */
    static void logical(Node n, LayoutContext cx) {
        List<Value> ins = new ArrayList<>();
        for (Value v : n.inputs()) ins.add(cx.as(v, Perm.identity(v.shape().rank()), n.name()));
        Node m = cx.emitNode(n.opType(), n.name(), ins, n.attributes());
        for (int i = 0; i < n.outputs().size(); i++) {
            cx.define(n.output(i), m.output(i), Perm.identity(n.output(i).shape().rank()));
        }
    }
}
