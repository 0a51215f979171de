package dev.formwork.frontends.weights;

import dev.formwork.frontends.config.Family;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Weights from a checkpoint, re-keyed to timm names. It hands out views of the mapped file
 * (float16/bfloat16 are widened to float32, the only copy) and keeps score: which keys were
 * used, which the model wanted but the file lacks, which have the wrong shape. {@link #finish}
 * turns that into ONE error, so a user loading the wrong variant sees the whole picture at once.
 *
 * <p>Accepted without being asked for: {@code X.num_batches_tracked} (an int64 scalar training
 * counter) for every BatchNorm X the model used. Index buffers ({@code attention_bias_idxs}) are
 * optional and, when present, must equal the model's own (see {@link #checkBuffer}).
 */
public final class CheckpointWeights implements WeightSource {
    private static final int SHOWN = 5;

    private final String where;
    private final KeyNaming.Naming naming;
    private final Map<String, KeyNaming.Source> tensors;
    private final Set<String> used = new HashSet<>();
    private final List<String> missing = new ArrayList<>();
    private final List<String> mismatched = new ArrayList<>();
    private String headMismatch;
    private List<String> unexpected; // computed once, after the build
    private ByteBuffer zeros = ByteBuffer.allocate(0);
    private List<String> warnings = List.of();

    /** {@code where} names the file in messages; {@code tensors} are keyed by timm name. */
    public CheckpointWeights(String where, KeyNaming.Naming naming, Map<String, KeyNaming.Source> tensors) {
        this.where = where;
        this.naming = naming;
        this.tensors = tensors;
    }

    /** Opens a {@code .safetensors} checkpoint for a model of {@code family}, in either naming. */
    public static CheckpointWeights open(Path file, Family family) {
        SafetensorsFile f = SafetensorsFile.open(file);
        return new CheckpointWeights(file.toString(), KeyNaming.detect(f.keys()), KeyNaming.toTimm(f, family));
    }

    /**
     * Weights from a key-to-tensor map read from any container (a PyTorch checkpoint's state
     * dict), in either naming; {@code where} names the file in messages. The naming detection
     * and mapping are the ones safetensors files get.
     */
    public static CheckpointWeights of(String where, Map<String, Tensor> tensors, Family family) {
        return new CheckpointWeights(where, KeyNaming.detect(tensors.keySet()), KeyNaming.toTimm(where, tensors, family));
    }

    /** The same weights, carrying the reader's one-line warnings (float64 narrowed) for the user. */
    public CheckpointWeights withWarnings(List<String> w) {
        warnings = List.copyOf(w);
        return this;
    }

    /** One-line warnings from reading the file; empty for a lossless read. */
    public List<String> warnings() {
        return warnings;
    }

    /** The naming the file uses. */
    public KeyNaming.Naming naming() {
        return naming;
    }

    @Override
    public Tensor take(String timmKey, Shape shape, Init kind) {
        KeyNaming.Source s = tensors.get(timmKey);
        if (s == null) {
            missing.add(timmKey + " " + shape);
            return zeros(shape);
        }
        used.add(timmKey);
        Tensor t = s.tensor();
        if (!t.dtype().isFloat()) {
            mismatched.add(label(timmKey, s) + " is " + t.dtype().label() + t.shape() + ", model needs float32" + shape);
            return zeros(shape);
        }
        if (!t.shape().equals(shape)) {
            mismatched.add(label(timmKey, s) + " " + t.shape() + ", model needs " + shape);
            if (headMismatch == null && (timmKey.equals("head.weight") || timmKey.equals("head_dist.weight")) && shape.rank() == 2
                    && t.shape().rank() == 2 && t.shape().dim(1) == shape.dim(1)) {
                headMismatch = "the checkpoint's classifier " + label(timmKey, s) + " is " + t.shape() + " (" + t.shape().dim(0)
                        + " classes), the model's " + shape + " (num_classes " + shape.dim(0) + "); use a config with \"num_classes\": "
                        + t.shape().dim(0);
            }
            return zeros(shape);
        }
        return t.cast(DType.FLOAT32); // no-op for float32 views
    }

    private static String label(String timmKey, KeyNaming.Source s) {
        return s.fileKey().equals(timmKey) ? timmKey : s.fileKey() + " (" + timmKey + ")";
    }

    /** A read-only zero tensor; one shared buffer grown to the largest request. */
    private Tensor zeros(Shape shape) {
        int bytes = Math.toIntExact(shape.numel() * 4);
        if (zeros.capacity() < bytes) zeros = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return Tensor.wrap(DType.FLOAT32, shape, zeros.duplicate().limit(bytes));
    }

    @Override
    public void checkBuffer(String timmKey, Tensor computed) {
        KeyNaming.Source s = tensors.get(timmKey);
        if (s == null) return;
        used.add(timmKey);
        Tensor t = s.tensor();
        String at = where + ": key \"" + s.fileKey() + "\": ";
        if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
            throw new FormworkException(at + "expected an integer index table, got " + t.dtype().label() + t.shape());
        }
        if (!t.shape().equals(computed.shape())) {
            throw new FormworkException(at + "index table has shape " + t.shape() + ", the model's is " + computed.shape());
        }
        long n = t.numel();
        int cols = computed.shape().rank() == 0 ? 1 : computed.shape().dim(-1);
        for (long i = 0; i < n; i++) {
            long a = t.getLong(i), b = computed.getLong(i);
            if (a != b) {
                throw new FormworkException(at + "differs from the index the model computes (|dy|*r+|dx|): at [" + i / cols + ","
                        + i % cols + "] the file has " + a + ", expected " + b);
            }
        }
    }

    @Override
    public void finish() {
        String p = problems();
        if (p != null) throw new FormworkException(p);
    }

    /** How many keys are missing, unexpected or mismatched (after the build); 0 when the file fits. */
    public int problemCount() {
        return missing.size() + unexpected().size() + mismatched.size();
    }

    /**
     * The one-line description of everything that does not fit (missing, unexpected and
     * mismatched keys, a different classifier size first), or null when the file fits the model.
     */
    public String problems() {
        List<String> unexpected = unexpected();
        if (missing.isEmpty() && unexpected.isEmpty() && mismatched.isEmpty()) return null;
        StringBuilder b = new StringBuilder(where);
        if (naming == KeyNaming.Naming.ORIGINAL) b.append(" (original naming)");
        b.append(": ");
        if (headMismatch != null) b.append(headMismatch).append("; ");
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) parts.add(count(missing.size(), "missing key") + (naming == KeyNaming.Naming.ORIGINAL ? " (timm names)" : "") + " " + list(missing));
        if (!unexpected.isEmpty()) parts.add(count(unexpected.size(), "unexpected key") + " " + list(unexpected));
        if (!mismatched.isEmpty()) parts.add(count(mismatched.size(), "shape mismatch") + " " + list(mismatched));
        b.append(String.join(", ", parts));
        return b.toString();
    }

    /** File keys no builder request used (num_batches_tracked of used BatchNorms excepted; a malformed one becomes a mismatch). */
    private List<String> unexpected() {
        if (unexpected != null) return unexpected;
        unexpected = new ArrayList<>();
        for (Map.Entry<String, KeyNaming.Source> e : tensors.entrySet()) {
            String k = e.getKey();
            if (used.contains(k)) continue;
            Tensor t = e.getValue().tensor();
            if (k.endsWith(".num_batches_tracked")) {
                String bn = k.substring(0, k.length() - ".num_batches_tracked".length());
                if (used.contains(bn + ".running_mean")) {
                    if (!t.dtype().isFloat() && t.numel() == 1 && t.shape().rank() <= 1) continue;
                    mismatched.add(label(k, e.getValue()) + " is " + t.dtype().label() + t.shape() + ", expected an int64 scalar");
                    continue;
                }
            }
            unexpected.add(e.getValue().fileKey() + " " + t.shape());
        }
        return unexpected;
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : what.endsWith("h") ? "es" : "s");
    }

    private static String list(List<String> items) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < Math.min(SHOWN, items.size()); i++) {
            if (i > 0) b.append(", ");
            b.append(items.get(i));
        }
        if (items.size() > SHOWN) b.append(", ... ").append(items.size() - SHOWN).append(" more");
        return b.append(')').toString();
    }

    @Override
    public boolean isRandom() {
        return false;
    }
}
