package dev.formwork.ir.op;

import dev.formwork.ir.FormworkException;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** All ops Formwork knows, by name. Op families register themselves in {@link #defaults()}. */
public final class OpRegistry {
    private static final Map<String, OpDef> OPS = new LinkedHashMap<>();

    static {
        for (OpDef op : defaults()) register(op);
    }

    private OpRegistry() {}

    private static java.util.List<OpDef> defaults() {
        java.util.List<OpDef> all = new java.util.ArrayList<>();
        all.addAll(ElementwiseOps.all());
        all.addAll(ConvOps.all());
        all.addAll(PoolOps.all());
        all.addAll(NormOps.all());
        all.addAll(MatMulOps.all());
        all.addAll(ReduceOps.all());
        all.addAll(ShapeOps.all());
        all.addAll(ResizeOps.all());
        return all;
    }

    public static synchronized void register(OpDef op) {
        if (OPS.containsKey(op.name())) throw new IllegalStateException("op registered twice: " + op.name());
        OPS.put(op.name(), op);
    }

    public static synchronized OpDef get(String name) {
        OpDef op = OPS.get(name);
        if (op == null) throw new FormworkException("unknown op " + name);
        return op;
    }

    public static synchronized boolean has(String name) {
        return OPS.containsKey(name);
    }

    public static synchronized Collection<OpDef> all() {
        return Collections.unmodifiableCollection(new java.util.ArrayList<>(OPS.values()));
    }
}
