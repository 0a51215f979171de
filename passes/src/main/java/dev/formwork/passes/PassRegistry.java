package dev.formwork.passes;

import dev.formwork.ir.FormworkException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Passes by name, in a stable order (the order `formwork passes` lists them). */
public final class PassRegistry {
    private final Map<String, Pass> passes = new LinkedHashMap<>();

    /** Every pass Formwork ships, in default-pipeline order. */
    public static PassRegistry standard() {
        PassRegistry r = new PassRegistry();
        r.register(new FoldConstants());
        r.register(new CancelDataMovement());
        r.register(new RecoverGelu());
        r.register(new RecoverLayerNorm());
        r.register(new RecoverLinear());
        r.register(new FoldConvAffine());
        r.register(new FoldConvBn());
        r.register(new RewritePatchStem());
        r.register(new SimplifyPoolMixer());
        r.register(new MergeParallelLayers());
        r.register(new LowerGelu());
        r.register(new FoldLayerScale());
        r.register(new CarryMixerScale());
        r.register(new FoldAttentionScale());
        r.register(new EliminateNoops());
        r.register(new EliminateDeadCode());
        return r;
    }

    public PassRegistry register(Pass p) {
        if (passes.putIfAbsent(p.name(), p) != null) throw new IllegalStateException("pass registered twice: " + p.name());
        return this;
    }

    public boolean has(String name) {
        return passes.containsKey(name);
    }

    public Pass get(String name) {
        Pass p = passes.get(name);
        if (p == null) throw new FormworkException("unknown pass '" + name + "' (known: " + String.join(", ", names()) + ")");
        return p;
    }

    public List<String> names() {
        return List.copyOf(passes.keySet());
    }

    public Collection<Pass> all() {
        return Collections.unmodifiableCollection(new ArrayList<>(passes.values()));
    }
}
