package dev.formwork.frontends.efficientformer;

import dev.formwork.ir.Graph;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A freshly built graph plus where to observe its golden intermediates: tap name ({@code stem},
 * {@code stages.0} .. {@code stages.3}, {@code pre_logits}) -> name of the value that holds it.
 */
public record BuiltModel(Graph graph, Map<String, String> taps) {
    public BuiltModel {
        taps = Collections.unmodifiableMap(new LinkedHashMap<>(taps));
    }
}
