package dev.formwork.frontends.weights.torch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The values the restricted unpickler produces: plain data, never behaviour.
 *
 * <p>Python's unpickler turns a pickle into live objects by importing and calling whatever the
 * file names. Ours maps every Python value to one of these inert Java shapes instead, so a
 * checkpoint can describe tensors, dicts and training bookkeeping but cannot make anything run.
 * Scalars map to Java boxes: {@code None} to null, bool to {@link Boolean}, int to {@link Long}
 * (or {@link java.math.BigInteger} beyond 64 bits), float to {@link Double}, str to
 * {@link String}, list to {@link ArrayList}.
 */
public final class Pickled {
    private Pickled() {}

    /** A Python tuple. Value equality, so tuples work as dict keys as they do in Python. */
    public record Tuple(List<Object> items) {
        public Tuple {
            items = Collections.unmodifiableList(new ArrayList<>(items)); // List.copyOf rejects None
        }

        public int size() {
            return items.size();
        }

        public Object get(int i) {
            return items.get(i);
        }
    }

    /** A Python bytes value (BINBYTES, or {@code _codecs.encode(str, 'latin1')} in protocol 2). */
    public record Bytes(byte[] value) {}

    /**
     * A dict or {@code collections.OrderedDict}, in insertion order. {@code attributes} holds
     * the instance {@code __dict__} a BUILD may set (a state_dict's {@code _metadata}); it is
     * kept only so nothing is silently dropped, and never interpreted.
     */
    public static final class Dict {
        private final String type;
        private final LinkedHashMap<Object, Object> map = new LinkedHashMap<>();
        private final Map<String, Object> attributes = new LinkedHashMap<>();

        Dict(String type) {
            this.type = type;
        }

        /** {@code dict} or {@code collections.OrderedDict}. */
        public String type() {
            return type;
        }

        public Map<Object, Object> map() {
            return map;
        }

        public Map<String, Object> attributes() {
            return attributes;
        }

        @Override
        public String toString() {
            return type + "[" + map.size() + " items]";
        }
    }

    /** A set or frozenset, kept as its items in pickle order. */
    public record PySet(boolean frozen, List<Object> items) {}

    /**
     * An inert stand-in for an object: the class name, the constructor arguments the pickle gave
     * and the state a BUILD set. Nothing is ever called with them; they exist so that a training
     * checkpoint's bookkeeping next to {@code model} can be skipped over. The class is either on
     * the whitelist ({@code argparse.Namespace}, numpy scalars and dtypes, paths) or, for a
     * {@link #placeholder()}, any class the pickle names for NEWOBJ: that name is never imported
     * or looked up, and such an object is refused wherever it turns up inside the weights.
     */
    public static final class PyObject {
        private final String type;
        private final Tuple args;
        private final boolean placeholder;
        private Object state;

        PyObject(String type, Tuple args) {
            this(type, args, false);
        }

        PyObject(String type, Tuple args, boolean placeholder) {
            this.type = type;
            this.args = args;
            this.placeholder = placeholder;
        }

        public String type() {
            return type;
        }

        public Tuple args() {
            return args;
        }

        public Object state() {
            return state;
        }

        /** True for an object of a class off the whitelist (made by NEWOBJ, filled by BUILD, nothing else). */
        public boolean placeholder() {
            return placeholder;
        }

        void setState(Object s) {
            state = s;
        }

        @Override
        public String toString() {
            return type + " object";
        }
    }

    /** A whitelisted global as it sits on the unpickler's stack, before REDUCE/NEWOBJ uses it. */
    public record Global(PickleGlobal kind, String qualifiedName) {}

    /**
     * A storage named by a persistent id {@code ('storage', torch.XStorage, key, location,
     * numel)}: its bytes are the zip entry {@code <archive>/data/<key>}; {@code numel} counts
     * elements of {@code type}.
     */
    public record StorageRef(StorageType type, String key, String location, long numel) {}

    /**
     * A tensor as {@code torch._utils._rebuild_tensor_v2} describes it: a window of a storage
     * (element offset, sizes, strides in elements). Not read yet; {@link TorchCheckpoint} reads
     * only the tensors of the state dict it uses. Identity equality, as Python tensors have.
     */
    public static final class TensorRef {
        private final StorageRef storage;
        private final long offset;
        private final long[] size;
        private final long[] stride;
        private final List<Object> unread;

        TensorRef(StorageRef storage, long offset, long[] size, long[] stride, List<Object> unread) {
            this.storage = storage;
            this.offset = offset;
            this.size = size.clone();
            this.stride = stride.clone();
            this.unread = Collections.unmodifiableList(new ArrayList<>(unread));
        }

        /** The same tensor with more unread rebuild arguments (a parameter's hooks and state on top of its data's). */
        TensorRef withUnread(List<Object> more) {
            List<Object> all = new ArrayList<>(unread);
            all.addAll(more);
            return new TensorRef(storage, offset, size, stride, all);
        }

        /**
         * The rebuild arguments that are not interpreted (requires_grad, backward hooks, metadata,
         * a parameter's state). Kept only so {@link #firstPlaceholder} can see an object of an
         * unknown class hidden in them.
         */
        public List<Object> unread() {
            return unread;
        }

        public StorageRef storage() {
            return storage;
        }

        public long offset() {
            return offset;
        }

        public long[] size() {
            return size.clone();
        }

        public long[] stride() {
            return stride.clone();
        }

        @Override
        public String toString() {
            return "tensor(" + storage.type().pythonName() + java.util.Arrays.toString(size) + ")";
        }
    }

    /** A {@code torch.layout} token ({@code torch.strided}); only its name is kept. */
    public record Layout(String name) {}

    /**
     * The first {@link PyObject#placeholder() placeholder} in {@code root} or anything it holds or
     * was built from (container items, dict keys and attributes, object arguments and state, a
     * tensor's unread rebuild arguments), or null. An explicit worklist with an identity set: no
     * recursion, and a shared or cyclic value is visited once.
     */
    static PyObject firstPlaceholder(Object root) {
        return firstPlaceholder(root, visitedSet());
    }

    /** An identity set for {@link #firstPlaceholder(Object, Set)}. */
    static Set<Object> visitedSet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    /**
     * {@link #firstPlaceholder(Object)} skipping what {@code seen} holds (values an earlier search
     * already found free of placeholders), so searching many roots that share values stays linear.
     */
    static PyObject firstPlaceholder(Object root, Set<Object> seen) {
        ArrayDeque<Object> todo = new ArrayDeque<>();
        if (root != null) todo.push(root);
        while (!todo.isEmpty()) {
            Object v = todo.pop();
            if (!seen.add(v)) continue;
            Collection<?> next = List.of();
            if (v instanceof PyObject o) {
                if (o.placeholder()) return o;
                List<Object> parts = new ArrayList<>(o.args().items());
                parts.add(o.state());
                next = parts;
            } else if (v instanceof Dict d) {
                List<Object> parts = new ArrayList<>(d.map().keySet());
                parts.addAll(d.map().values());
                parts.addAll(d.attributes().values());
                next = parts;
            } else if (v instanceof List<?> l) {
                next = l;
            } else if (v instanceof Tuple t) {
                next = t.items();
            } else if (v instanceof PySet s) {
                next = s.items();
            } else if (v instanceof TensorRef t) {
                next = t.unread();
            }
            for (Object x : next) {
                if (x != null) todo.push(x);
            }
        }
        return null;
    }

    /**
     * A value for a one-line message, without recursing or building long text: a str as
     * {@link Unpickler#printable}, a scalar as its value (cut at 120 characters), a container
     * as its type and size. A key or argument may be any value a pickle can build, deep or huge.
     */
    static String brief(Object v) {
        if (v instanceof String s) return Unpickler.printable(s);
        if (v == null || v instanceof Boolean || v instanceof Long || v instanceof Double) return v == null ? "None" : v.toString();
        if (v instanceof java.math.BigInteger b) return Unpickler.printable(b.toString());
        if (v instanceof List<?> l) return "list[" + l.size() + " items]";
        if (v instanceof Tuple t) return "tuple[" + t.size() + " items]";
        if (v instanceof PySet s) return typeName(s) + "[" + s.items().size() + " items]";
        if (v instanceof Bytes b) return "bytes[" + b.value().length + "]";
        return Unpickler.printable(typeName(v));
    }

    /** A short Python-ish description of a value's type, for messages. */
    static String typeName(Object v) {
        if (v == null) return "None";
        if (v instanceof Boolean) return "bool";
        if (v instanceof Long || v instanceof java.math.BigInteger) return "int";
        if (v instanceof Double) return "float";
        if (v instanceof String) return "str";
        if (v instanceof Bytes) return "bytes";
        if (v instanceof List) return "list";
        if (v instanceof Tuple) return "tuple";
        if (v instanceof Dict d) return d.type();
        if (v instanceof PySet s) return s.frozen() ? "frozenset" : "set";
        if (v instanceof PyObject o) return o.type();
        if (v instanceof TensorRef) return "tensor";
        if (v instanceof StorageRef) return "storage";
        if (v instanceof Global g) return g.qualifiedName();
        if (v instanceof Layout) return "torch.layout";
        return v.getClass().getSimpleName();
    }
}
