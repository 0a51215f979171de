package dev.formwork.frontends;

import dev.formwork.frontends.config.Family;
import dev.formwork.frontends.config.ModelConfig;
import dev.formwork.frontends.config.Zoo;
import dev.formwork.frontends.efficientformer.EfficientFormerV1Builder;
import dev.formwork.frontends.efficientformer.EfficientFormerV2Builder;
import dev.formwork.frontends.weights.CheckpointWeights;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Tensor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which models a checkpoint's tensors fit: for {@code inspect} of a weights file. Each candidate
 * is built from the tensors exactly as {@code --weights} would build it, so "fits" means the
 * same key set and shapes the loader demands (either naming, index buffers checked), and the
 * problems of a candidate are the loader's own one-line error.
 */
public final class CheckpointFit {
    /** One candidate: its name, how many keys do not fit (0 = fits) and the loader's message (null when it fits). */
    public record Result(String model, int problems, String message) {
        public boolean fits() {
            return problems == 0;
        }
    }

    private CheckpointFit() {}

    /** Every zoo variant, in the zoo's order. */
    public static List<Result> zoo(String where, Map<String, Tensor> tensors) {
        Map<String, ModelConfig> all = new LinkedHashMap<>();
        for (String n : Zoo.names()) all.put(n, Zoo.get(n));
        return against(where, tensors, all);
    }

    /** The given configs (name to config), in order. */
    public static List<Result> against(String where, Map<String, Tensor> tensors, Map<String, ModelConfig> configs) {
        List<Result> out = new ArrayList<>();
        configs.forEach((name, config) -> out.add(fit(where, tensors, name, config)));
        return out;
    }

    /** The candidate with the fewest problems (first in order among equals). */
    public static Result closest(List<Result> results) {
        return results.stream().min(Comparator.comparingInt(Result::problems)).orElseThrow();
    }

    private static Result fit(String where, Map<String, Tensor> tensors, String name, ModelConfig config) {
        CheckpointWeights w = null;
        try {
            w = CheckpointWeights.of(where, tensors, config.family());
            if (config.family() == Family.V1) EfficientFormerV1Builder.build(name, config, w, 1);
            else EfficientFormerV2Builder.build(name, config, w, 1);
            return new Result(name, 0, null);
        } catch (FormworkException e) {
            // finish() reports every key at once; an index-buffer check stops the build at the first.
            return new Result(name, Math.max(1, w == null ? 1 : w.problemCount()), e.getMessage());
        }
    }
}
