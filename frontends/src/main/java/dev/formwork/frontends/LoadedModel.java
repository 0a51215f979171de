package dev.formwork.frontends;

import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.ir.Graph;
import java.util.List;
import java.util.Map;

/**
 * A model ready for passes and exporters.
 *
 * @param graph the IR graph: input {@code input} [B,3,H,W] float32, output {@code logits} [B,classes]
 * @param config the architecture (null for imported graphs that have none)
 * @param name the model name: zoo name or config file stem; also the graph's name
 * @param weightsSha256 SHA-256 of the weights file, or null with random weights
 * @param randomWeights true when the weights were drawn from the seed
 * @param taps golden-intermediate name ({@code stem}, {@code stages.0..3}, {@code pre_logits}) ->
 *     value name in the freshly built graph (passes may rewrite those values)
 * @param warnings one-line notes about lossy weight reads (float64 narrowed), for the user
 */
public record LoadedModel(Graph graph, ModelConfig config, String name, String weightsSha256, boolean randomWeights,
        Map<String, String> taps, List<String> warnings) {
    public LoadedModel(Graph graph, ModelConfig config, String name, String weightsSha256, boolean randomWeights, Map<String, String> taps) {
        this(graph, config, name, weightsSha256, randomWeights, taps, List.of());
    }
}
