package dev.formwork.passes;

import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Value;
import dev.formwork.ir.interp.Interpreter;
import dev.formwork.ir.interp.NdArray;
import dev.formwork.ir.interp.SeededInput;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a pass may read besides the graph: the target profile, the user's {@code --gelu} choice,
 * a log sink, and the verification input (one deterministic gaussian array per graph input, from
 * a seed) with the outputs of the graph before the current pass, which the pass manager shares
 * when it certifies passes so that nothing runs the interpreter twice on the same graph.
 *
 * <p>Configuration is immutable ({@code with...} returns a copy); the output cache is per run.
 */
public final class PassContext {
    /** GELU forms a user may request with {@code --gelu}. */
    public static final List<String> GELU_CHOICES = List.of("exact", "tanh", "sigmoid");

    private final TargetProfile profile;
    private final String gelu;
    private final Consumer<String> log;
    private final long seed;

    private NdArray[] outputsBefore;
    private NdArray[] outputsAfter;

    private PassContext(TargetProfile profile, String gelu, Consumer<String> log, long seed) {
        if (profile == null) throw new IllegalArgumentException("profile");
        if (gelu != null && !GELU_CHOICES.contains(gelu)) {
            throw new FormworkException("--gelu " + gelu + ": expected one of " + String.join(", ", GELU_CHOICES));
        }
        this.profile = profile;
        this.gelu = gelu;
        this.log = log == null ? s -> {} : log;
        this.seed = seed;
    }

    public static PassContext of(TargetProfile profile) {
        return new PassContext(profile, null, null, 0);
    }

    public PassContext withGelu(String gelu) {
        return new PassContext(profile, gelu, log, seed);
    }

    public PassContext withLog(Consumer<String> log) {
        return new PassContext(profile, gelu, log, seed);
    }

    /** Seed of the verification input (default 0). */
    public PassContext withSeed(long seed) {
        return new PassContext(profile, gelu, log, seed);
    }

    public TargetProfile profile() {
        return profile;
    }

    /** The user's {@code --gelu}: null (keep each GELU's own form, exact for the zoo), exact, tanh or sigmoid. */
    public String gelu() {
        return gelu;
    }

    public long seed() {
        return seed;
    }

    /** True when the target can write {@code op} (an empty supportedOps set means every op). */
    public boolean supports(String op) {
        return profile.supportedOps().isEmpty() || profile.supportedOps().contains(op);
    }

    public void log(String message) {
        log.accept(message);
    }

    /** The verification input: standard normal values from {@link #seed}, one array per graph input. */
    public NdArray[] verificationInputs(Graph g) {
        return gaussianInputs(g, seed);
    }

    /** Deterministic standard-normal inputs ({@link SeededInput}), input i from seed + i. */
    public static NdArray[] gaussianInputs(Graph g, long seed) {
        List<Value> ins = g.inputs();
        NdArray[] out = new NdArray[ins.size()];
        for (int i = 0; i < out.length; i++) out[i] = SeededInput.gaussian(ins.get(i).shape().toArray(), seed + i);
        return out;
    }

    /**
     * Outputs of the graph as it was before the current pass on the verification input. Call it
     * before changing the graph: when the manager has them cached they are returned, otherwise
     * {@code g} is run now.
     */
    public NdArray[] outputsBefore(Graph g) {
        return outputsBefore != null ? outputsBefore : new Interpreter(g).run(verificationInputs(g));
    }

    /** A pass that ran its output graph on the verification input hands the result over here. */
    public void recordOutputsAfter(NdArray[] outputs) {
        this.outputsAfter = outputs;
    }

    // ---------------------------------------------------------------- manager side

    void beginPass(NdArray[] before) {
        this.outputsBefore = before;
        this.outputsAfter = null;
    }

    NdArray[] takeOutputsAfter() {
        NdArray[] a = outputsAfter;
        outputsAfter = null;
        return a;
    }
}
