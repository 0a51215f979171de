package dev.formwork.frontends.weights.torch;

import dev.formwork.frontends.weights.torch.Pickled.Dict;
import dev.formwork.frontends.weights.torch.Pickled.TensorRef;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Tensor;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PyTorch zip checkpoint ({@code torch.save} since 1.6: {@code .pth}, {@code .pt}, timm's
 * {@code pytorch_model.bin}) read as data: the state dict's tensors, nothing else.
 *
 * <p>Layout: one top-level folder (torch 1.x names it after the file, 2.x {@code archive})
 * holding {@code data.pkl} (the pickled object, with storages as persistent ids),
 * {@code data/<key>} (each storage's raw bytes), {@code version} and, since torch 2.x,
 * {@code byteorder}. The pickle is read by the restricted {@link Unpickler}; then the state dict
 * is chosen as the spec's loaders do ({@code state_dict}, else {@code model}, else the top-level
 * dict itself), and only its tensors' storages are read, as views of the mapped file.
 */
public final class TorchCheckpoint {
    private static final long MAX_PICKLE = 256L << 20;

    private final Integer formatVersion;
    private final String wrapper;
    private final List<String> topLevelKeys;
    private final Map<String, Tensor> tensors;

    private TorchCheckpoint(Integer formatVersion, String wrapper, List<String> topLevelKeys, Map<String, Tensor> tensors) {
        this.formatVersion = formatVersion;
        this.wrapper = wrapper;
        this.topLevelKeys = topLevelKeys;
        this.tensors = tensors;
    }

    /** Reads {@code file}; every problem is one {@link FormworkException} line naming the file (and key). */
    public static TorchCheckpoint read(Path file) {
        String where = file.toString();
        try (ZipArchive zip = ZipArchive.open(file)) {
            String prefix = archivePrefix(where, zip);
            checkByteOrder(where, zip, prefix);
            Integer version = formatVersion(where, zip, prefix);
            ZipArchive.Entry pkl = zip.entry(prefix + "data.pkl");
            if (pkl.size() > MAX_PICKLE) throw new FormworkException(where + ": " + pkl.name() + " is " + pkl.size() + " bytes; a state dict's pickle is far smaller");
            Object top = Unpickler.load(where, zip.read(pkl));
            if (!(top instanceof Dict d)) {
                throw new FormworkException(where + ": the checkpoint holds a " + Pickled.typeName(top)
                        + ", expected a dict of tensors (a state_dict, or a dict with \"state_dict\" or \"model\")");
            }
            List<String> keys = new ArrayList<>();
            for (Object k : d.map().keySet()) keys.add(String.valueOf(k));
            String wrapper = d.map().get("state_dict") instanceof Dict ? "state_dict" : d.map().get("model") instanceof Dict ? "model" : null;
            Dict chosen = wrapper == null ? d : (Dict) d.map().get(wrapper);
            StorageReader storages = new StorageReader(where, zip, prefix);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Map.Entry<Object, Object> e : chosen.map().entrySet()) {
                String in = wrapper == null ? "" : " (in \"" + wrapper + "\")";
                if (!(e.getKey() instanceof String key)) {
                    throw new FormworkException(where + ": state dict key " + Unpickler.printable(String.valueOf(e.getKey())) + in
                            + " is a " + Pickled.typeName(e.getKey()) + ", expected str");
                }
                if (!(e.getValue() instanceof TensorRef t)) {
                    throw new FormworkException(where + ": key \"" + Unpickler.printable(key) + "\"" + in + " holds a "
                            + Pickled.typeName(e.getValue()) + ", not a tensor" + (wrapper == null ? hint(d) : ""));
                }
                out.put(key, storages.tensor(key, t));
            }
            return new TorchCheckpoint(version, wrapper, Collections.unmodifiableList(keys), Collections.unmodifiableMap(out));
        }
    }

    /** For a top-level dict that is not a state dict, say which keys it does have. */
    private static String hint(Dict d) {
        List<String> ks = new ArrayList<>();
        for (Object k : d.map().keySet()) {
            if (ks.size() == 8) {
                ks.add("...");
                break;
            }
            ks.add(Unpickler.printable(String.valueOf(k)));
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

    /** The {@code version} record (serialization format, 3 for torch 1.6 to 2.x), or null when absent. */
    public Integer formatVersion() {
        return formatVersion;
    }

    /** {@code state_dict} or {@code model} when the tensors were unwrapped from that key, else null. */
    public String wrapper() {
        return wrapper;
    }

    /** The top-level dict's keys as strings (for {@code inspect}: model, optimizer, epoch, args, ...). */
    public List<String> topLevelKeys() {
        return topLevelKeys;
    }

    /** The state dict's tensors in file order; contiguous ones are views of the mapped file. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }
}
