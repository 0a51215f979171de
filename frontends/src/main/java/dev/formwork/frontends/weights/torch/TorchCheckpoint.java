package dev.formwork.frontends.weights.torch;

import dev.formwork.frontends.weights.torch.Pickled.Dict;
import dev.formwork.frontends.weights.torch.Pickled.PyObject;
import dev.formwork.frontends.weights.torch.Pickled.TensorRef;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A PyTorch checkpoint ({@code torch.save}: {@code .pth}, {@code .pt}, timm's
 * {@code pytorch_model.bin}) read as data: the state dict's tensors, nothing else.
 *
 * <p>Zip layout (torch 1.6 and later): one top-level folder (torch 1.x names it after the file,
 * 2.x {@code archive}, a renamed file keeps the old name) holding {@code data.pkl} (the pickled
 * object, with storages as persistent ids), {@code data/<key>} (each storage's raw bytes),
 * {@code version} and, since torch 2.x, {@code byteorder}, {@code .data/serialization_id},
 * {@code .format_version} and {@code .storage_alignment} (read only as far as they matter:
 * byteorder). The legacy non-zip layout is {@link LegacyFile}. Either way the pickle is read by
 * the restricted {@link Unpickler}; then the state dict is chosen ({@link #choose}) and only its
 * tensors' storages are read, as views of the mapped file.
 */
public final class TorchCheckpoint {
    private static final long MAX_PICKLE = 256L << 20;
    private static final String DDP_PREFIX = "module.";

    private final String format;
    private final String root;
    private final Integer formatVersion;
    private final String wrapper;
    private final List<String> topLevelKeys;
    private final Map<String, Tensor> tensors;
    private final Map<String, StorageType> storageTypes;
    private final boolean strippedModulePrefix;
    private final List<String> warnings;

    private TorchCheckpoint(String format, String root, Integer formatVersion, String wrapper, List<String> topLevelKeys,
            Map<String, Tensor> tensors, Map<String, StorageType> storageTypes, boolean strippedModulePrefix, List<String> warnings) {
        this.format = format;
        this.root = root;
        this.formatVersion = formatVersion;
        this.wrapper = wrapper;
        this.topLevelKeys = topLevelKeys;
        this.tensors = tensors;
        this.storageTypes = storageTypes;
        this.strippedModulePrefix = strippedModulePrefix;
        this.warnings = warnings;
    }

    /** Reads {@code file}, choosing the state dict itself; every problem is one {@link FormworkException} line naming the file (and key). */
    public static TorchCheckpoint read(Path file) {
        return read(file, null);
    }

    /**
     * Reads {@code file}; with {@code weightsKey} non-null the state dict is that top-level entry
     * (e.g. {@code model_ema}), otherwise {@code state_dict}, else {@code model}, else the file's
     * dict itself.
     */
    public static TorchCheckpoint read(Path file, String weightsKey) {
        String where = file.toString();
        ByteBuffer head = ByteBuffer.allocate(4);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && ch.read(head, head.position()) > 0) {
                // the first bytes decide the format
            }
            head.flip();
            if (LegacyFile.looksLegacy(head)) {
                LegacyFile legacy = LegacyFile.read(where, ch);
                return unwrap(where, "legacy", null, null, legacy.top, new StorageReader(where, legacy.records), weightsKey);
            }
        } catch (IOException e) {
            throw new FormworkException(where + ": cannot read (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        try (ZipArchive zip = ZipArchive.open(file)) {
            String prefix = archivePrefix(where, zip);
            checkByteOrder(where, zip, prefix);
            Integer version = formatVersion(where, zip, prefix);
            ZipArchive.Entry pkl = zip.entry(prefix + "data.pkl");
            if (pkl.size() > MAX_PICKLE) throw new FormworkException(where + ": " + pkl.name() + " is " + pkl.size() + " bytes; a state dict's pickle is far smaller");
            Object top = Unpickler.load(where, zip.read(pkl));
            String root = prefix.substring(0, prefix.length() - 1);
            return unwrap(where, "zip", root, version, top, new StorageReader(where, StorageReader.zip(zip, prefix)), weightsKey);
        }
    }

    private static TorchCheckpoint unwrap(String where, String format, String root, Integer version, Object top, StorageReader storages, String weightsKey) {
        if (top instanceof PyObject o && o.placeholder()) {
            throw new FormworkException(where + ": refusing pickle global " + o.type()
                    + ": the file is a pickled object of it (a whole model?), not a dict of tensors; save model.state_dict() instead");
        }
        if (!(top instanceof Dict d)) {
            throw new FormworkException(where + ": the checkpoint holds a " + Pickled.typeName(top)
                    + ", expected a dict of tensors (a state_dict, or a dict with \"state_dict\" or \"model\")");
        }
        List<String> keys = new ArrayList<>();
        for (Object k : d.map().keySet()) keys.add(k instanceof String str ? str : Pickled.brief(k));
        String wrapper = choose(where, d, weightsKey);
        Dict chosen = wrapper == null ? d : (Dict) d.map().get(wrapper);
        boolean ddp = !chosen.map().isEmpty() && chosen.map().keySet().stream().allMatch(k -> k instanceof String s && s.startsWith(DDP_PREFIX));
        Map<String, Tensor> out = new LinkedHashMap<>();
        Map<String, StorageType> types = new LinkedHashMap<>();
        String in = wrapper == null ? "" : " (in \"" + Unpickler.printable(wrapper) + "\")";
        refusePlaceholders(where, chosen, in);
        for (Map.Entry<Object, Object> e : chosen.map().entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new FormworkException(where + ": state dict key " + Pickled.brief(e.getKey()) + in
                        + " is a " + Pickled.typeName(e.getKey()) + ", expected str");
            }
            if (!(e.getValue() instanceof TensorRef t)) {
                throw new FormworkException(where + ": key \"" + Unpickler.printable(key) + "\"" + in + " holds a "
                        + Pickled.typeName(e.getValue()) + ", not a tensor" + (wrapper == null ? hint(d) : ""));
            }
            String name = ddp ? key.substring(DDP_PREFIX.length()) : key;
            out.put(name, storages.tensor(key, t));
            types.put(name, t.storage().type());
        }
        List<String> warnings = new ArrayList<>();
        List<String> narrowed = storages.narrowed();
        if (!narrowed.isEmpty()) {
            warnings.add(where + ": " + narrowed.size() + " float64 tensor" + (narrowed.size() == 1 ? "" : "s") + " narrowed to float32 (first: "
                    + Unpickler.printable(narrowed.get(0)) + ")");
        }
        return new TorchCheckpoint(format, root, version, wrapper, Collections.unmodifiableList(keys), Collections.unmodifiableMap(out), Collections.unmodifiableMap(types), ddp,
                List.copyOf(warnings));
    }

    /**
     * Refuses the weights when an object of a class off the whitelist (a {@link PyObject#placeholder()})
     * is, or hides in, one of their keys, values or attributes: outside the weights such an object
     * is inert bookkeeping, inside them it would stand where a tensor must be.
     */
    private static void refusePlaceholders(String where, Dict weights, String in) {
        Set<Object> clean = Pickled.visitedSet(); // shared: values many tensors share are searched once
        for (Map.Entry<Object, Object> e : weights.map().entrySet()) {
            PyObject p = Pickled.firstPlaceholder(e.getKey(), clean);
            if (p == null) p = Pickled.firstPlaceholder(e.getValue(), clean);
            if (p == null) continue;
            String key = "key \"" + Pickled.brief(e.getKey()) + "\"" + in;
            String how = e.getValue() == p ? " holds an object of it" : " is built from an object of it";
            throw new FormworkException(where + ": refusing pickle global " + p.type() + " inside the weights: " + key + how + "; only tensors are read there");
        }
        for (Map.Entry<String, Object> a : weights.attributes().entrySet()) {
            PyObject p = Pickled.firstPlaceholder(a.getValue(), clean);
            if (p != null) {
                throw new FormworkException(where + ": refusing pickle global " + p.type() + " inside the weights: the state dict's attribute \""
                        + Unpickler.printable(a.getKey()) + "\"" + in + " is built from an object of it");
            }
        }
    }

    /** An object of an unknown class where a state dict should be: refused, naming the class. */
    private static FormworkException notAStateDict(String where, String entry, PyObject p) {
        return new FormworkException(where + ": refusing pickle global " + p.type() + ": entry " + entry
                + " is an object of it, not a state dict (a whole model?); save model.state_dict() instead");
    }

    /**
     * Which top-level entry holds the weights, or null for the dict itself. Without a key: the
     * detection/segmentation loaders' order, {@code state_dict} then {@code model} (so a training
     * dict gives {@code model}, never {@code model_ema}), then the dict itself if it holds
     * tensors. When nothing holds tensors the error lists the entries and their types.
     */
    private static String choose(String where, Dict top, String weightsKey) {
        if (weightsKey != null) {
            String k = "\"" + Unpickler.printable(weightsKey) + "\" (--weights-key)";
            if (!top.map().containsKey(weightsKey)) throw new FormworkException(where + ": no entry " + k + "; entries: " + entries(top));
            Object v = top.map().get(weightsKey);
            if (v instanceof PyObject p && p.placeholder()) throw notAStateDict(where, k, p);
            if (!(v instanceof Dict)) {
                throw new FormworkException(where + ": entry " + k + " holds a " + Pickled.typeName(v) + ", not a state dict; entries: " + entries(top));
            }
            return weightsKey;
        }
        for (String w : List.of("state_dict", "model")) {
            Object v = top.map().get(w);
            if (v instanceof Dict) return w;
            if (v instanceof PyObject p && p.placeholder()) throw notAStateDict(where, "\"" + w + "\"", p);
        }
        if (top.map().values().stream().noneMatch(v -> v instanceof TensorRef)) {
            throw new FormworkException(where + ": no entry holds a state dict of tensors; entries: " + entries(top)
                    + "; name the one with the weights with --weights-key");
        }
        return null;
    }

    /** {@code name (type), ...} for the first entries of a dict, for messages. */
    private static String entries(Dict d) {
        List<String> ks = new ArrayList<>();
        for (Map.Entry<Object, Object> e : d.map().entrySet()) {
            if (ks.size() == 12) {
                ks.add("... " + (d.map().size() - 12) + " more");
                break;
            }
            ks.add(Pickled.brief(e.getKey()) + " (" + Pickled.typeName(e.getValue()) + ")");
        }
        return ks.isEmpty() ? "none" : String.join(", ", ks);
    }

    /** For a top-level dict that is not a state dict, say which keys it does have. */
    private static String hint(Dict d) {
        List<String> ks = new ArrayList<>();
        for (Object k : d.map().keySet()) {
            if (ks.size() == 8) {
                ks.add("...");
                break;
            }
            ks.add(Pickled.brief(k));
        }
        return " (top-level keys: " + String.join(", ", ks) + "; no \"state_dict\" or \"model\" dict to unwrap)";
    }

    /** The one folder all entries live in, found from its {@code data.pkl}. */
    private static String archivePrefix(String where, ZipArchive zip) {
        String found = null;
        for (String name : zip.entries().keySet()) {
            int slash = name.indexOf('/');
            if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
                if (found != null) throw new FormworkException(where + ": two pickles (" + found + "data.pkl, " + name + "); not a torch.save file");
                found = name.substring(0, slash + 1);
            }
        }
        if (found == null) {
            boolean script = zip.entries().keySet().stream().anyMatch(n -> n.endsWith("/constants.pkl") || n.contains("/code/"));
            throw new FormworkException(where + ": no <archive>/data.pkl in the zip"
                    + (script ? " (a TorchScript archive; save a state_dict with torch.save instead)" : "; not a torch.save checkpoint"));
        }
        return found;
    }

    /** The {@code version} record: a small decimal number; anything else means this is not a torch.save file. */
    private static Integer formatVersion(String where, ZipArchive zip, String prefix) {
        ZipArchive.Entry e = zip.entry(prefix + "version");
        if (e == null) e = zip.entry(prefix + ".data/version");
        if (e == null) return null;
        String v = small(where, zip, e);
        if (!v.matches("[0-9]{1,4}")) throw new FormworkException(where + ": " + Unpickler.printable(e.name()) + " is \"" + Unpickler.printable(v) + "\", expected a format number");
        return Integer.parseInt(v);
    }

    /** A short text record, trimmed. */
    private static String small(String where, ZipArchive zip, ZipArchive.Entry e) {
        if (e.size() > 16) throw new FormworkException(where + ": " + Unpickler.printable(e.name()) + " is " + e.size() + " bytes, expected a short text record");
        ByteBuffer b = zip.read(e);
        byte[] raw = new byte[b.remaining()];
        b.get(raw);
        return new String(raw, StandardCharsets.US_ASCII).trim();
    }

    /** Torch 2.x records the writer's byte order; data is raw native-endian, so only "little" is readable here. */
    private static void checkByteOrder(String where, ZipArchive zip, String prefix) {
        ZipArchive.Entry e = zip.entry(prefix + "byteorder");
        if (e == null) return; // torch < 2.1 wrote none; such files are little-endian in practice
        String order = small(where, zip, e);
        if (order.equals("little")) return;
        if (order.equals("big")) {
            throw new FormworkException(where + ": written on a big-endian machine (byteorder \"big\"); only little-endian checkpoints are supported");
        }
        throw new FormworkException(where + ": unknown byteorder \"" + Unpickler.printable(order) + "\"");
    }

    /** {@code zip} (torch 1.6 and later) or {@code legacy} (the older non-zip layout). */
    public String format() {
        return format;
    }

    /** The zip's top-level folder ({@code archive}, or the file stem it was saved under); null for legacy files. */
    public String root() {
        return root;
    }

    /** The {@code version} record (serialization format, 3 for torch 1.6 to 2.x), or null when absent (and for legacy files). */
    public Integer formatVersion() {
        return formatVersion;
    }

    /** The top-level entry the tensors were unwrapped from ({@code state_dict}, {@code model}, a --weights-key), else null. */
    public String wrapper() {
        return wrapper;
    }

    /** The top-level dict's keys as strings (for {@code inspect}: model, optimizer, epoch, args, ...). */
    public List<String> topLevelKeys() {
        return topLevelKeys;
    }

    /** The state dict's tensors in file order (DataParallel {@code module.} prefix removed); contiguous ones are views of the mapped file. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The element type each tensor has in the file (before bfloat16 widening or float64 narrowing), by {@link #tensors} key. */
    public Map<String, StorageType> storageTypes() {
        return storageTypes;
    }

    /** True when every key had DataParallel/DDP's {@code module.} prefix, which {@link #tensors} drops. */
    public boolean strippedModulePrefix() {
        return strippedModulePrefix;
    }

    /** One-line warnings about lossy reads (float64 narrowed to float32). */
    public List<String> warnings() {
        return warnings;
    }
}
