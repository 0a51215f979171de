package dev.formwork.frontends.weights.torch;

import dev.formwork.frontends.weights.torch.Pickled.Bytes;
import dev.formwork.frontends.weights.torch.Pickled.Dict;
import dev.formwork.frontends.weights.torch.Pickled.Global;
import dev.formwork.frontends.weights.torch.Pickled.Layout;
import dev.formwork.frontends.weights.torch.Pickled.PyObject;
import dev.formwork.frontends.weights.torch.Pickled.PySet;
import dev.formwork.frontends.weights.torch.Pickled.StorageRef;
import dev.formwork.frontends.weights.torch.Pickled.TensorRef;
import dev.formwork.frontends.weights.torch.Pickled.Tuple;
import dev.formwork.ir.FormworkException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A restricted unpickler: reads the pickle opcodes {@code torch.save} writes at protocols 2 to 5
 * (2 is torch's default; 4 and 5 add FRAME, MEMOIZE, STACK_GLOBAL, the 8-byte string and bytes
 * forms and sets) and builds {@link Pickled} data. It never imports, looks up or calls anything.
 * Globals on the {@link PickleGlobal} whitelist are interpreted as fixed data constructors. Any
 * other global is only a name: it may serve as the class of NEWOBJ / NEWOBJ_EX, which makes an
 * inert placeholder {@link PyObject} (BUILD then just records its state), so a training
 * checkpoint whose {@code args} or optimizer state hold objects of the training script's classes
 * still loads; {@link TorchCheckpoint} refuses a placeholder inside the weights. Calling such a
 * global (REDUCE, the opcode every code-running payload needs) or using it any other way is
 * refused with a one-line error naming it; names from modules that run code ({@code os},
 * {@code builtins}, {@code subprocess}, ...) are refused as soon as they are read.
 *
 * <p>Opcodes that exist only to run code (INST, OBJ, EXT1/2/4) and the text opcodes of protocol
 * 0/1 are not implemented and fail with the opcode and byte offset. Every length is checked
 * against the bytes left ({@link PickleInput}), so a hostile file can make us allocate at most
 * about its own size; the interpreter is a loop over an explicit stack, so no nesting in the
 * file deepens Java's stack.
 * Persistent ids resolve to {@link StorageRef}s through {@code ('storage', type, key, location,
 * numel)} (zip format) or {@code ('storage', type, root_key, location, numel, view)} (legacy
 * format) only: the storage bytes themselves are read later, and only for the tensors used.
 */
final class Unpickler {
    private static final Object MARK = new Object();
    /**
     * Values one pickle may create (every push, MARK and new memo entry counts, so lists, dicts
     * and the memo are bounded too). A training checkpoint of the largest variant with optimizer
     * state needs about 10^5; the cap (2,097,152) keeps a crafted file of one-byte opcodes (a
     * deflated run of MEMOIZE or EMPTY_DICT) from filling the heap: at most about 300 MB of boxes.
     */
    static final int MAX_VALUES = 1 << 21;
    /**
     * How deeply values may nest. Torch's checkpoints nest under ten levels, and Python's own
     * pickler cannot write much past a thousand (it recurses); the bound keeps every structure
     * shallow enough that hashing or comparing it (a tuple used as a dict key) cannot exhaust the stack.
     */
    static final int MAX_DEPTH = 100;

    private final String where;
    private final String label;
    private final boolean legacy;
    private final PickleInput in;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    /** Nesting depth of the containers deeper than one level, by identity (see {@link #holds}). */
    private final Map<Object, Integer> depths = new IdentityHashMap<>();
    private final Map<String, StorageRef> storages = new LinkedHashMap<>();
    private int opStart;
    private int created;

    private Unpickler(String where, String label, boolean legacy, ByteBuffer data, int start) {
        this.where = where;
        this.label = label;
        this.legacy = legacy;
        this.in = new PickleInput(data, start, this::fail);
    }

    /** Unpickles a zip checkpoint's {@code data.pkl}; {@code where} (the checkpoint file) prefixes every message. */
    static Object load(String where, ByteBuffer data) {
        return new Unpickler(where, "data.pkl", false, data, 0).load();
    }

    /**
     * An unpickler for one of the pickles a legacy (non-zip) file holds back to back, starting at
     * byte {@code start} of {@code file}; {@link #load} reads exactly one and {@link #end} says
     * where the next part begins. Messages give offsets in the file.
     */
    static Unpickler legacy(String where, ByteBuffer file, int start) {
        return new Unpickler(where, "legacy pickle", true, file, start);
    }

    /** Reads one pickle, up to its STOP. */
    Object load() {
        try {
            return run();
        } catch (StackOverflowError e) {
            // Only a hostile pickle gets here: a tuple key that contains itself, hashed.
            throw fail("self-referential or too deeply nested values");
        }
    }

    /** The byte after the STOP of the pickle {@link #load} read. */
    int end() {
        return in.position();
    }

    /** Every storage the pickle's persistent ids named, by key, in first-seen order. */
    Map<String, StorageRef> storages() {
        return storages;
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) throw fail("pickle ends without STOP (truncated data.pkl?)");
            opStart = in.position();
            int op = in.get();
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = in.u8();
                    if (v > 5) throw fail("pickle protocol " + v + " is newer than any known (<= 5)");
                }
                case 0x95 -> { // FRAME: a length hint only, but one that must fit in what is left
                    long n = in.need(8).getLong();
                    if (n < 0 || n > in.remaining()) throw fail("FRAME of " + Long.toUnsignedString(n) + " bytes runs past the end (" + in.remaining() + " bytes left)");
                }
                case '}' -> push(new Dict("dict"));
                case ']' -> push(new ArrayList<>());
                case ')' -> push(new Tuple(List.of()));
                case '(' -> {
                    count();
                    marks.add(stack.size());
                    stack.add(MARK);
                }
                case 'X' -> push(in.utf8(in.len32()));
                case 0x8c -> push(in.utf8(in.u8()));
                case 0x8d -> push(in.utf8(in.len64()));
                case 'T' -> push(in.latin1(in.len32()));
                case 'U' -> push(in.latin1(in.u8()));
                case 'B' -> push(new Bytes(in.bytes(in.len32())));
                case 'C' -> push(new Bytes(in.bytes(in.u8())));
                case 0x8e, 0x96 -> push(new Bytes(in.bytes(in.len64())));
                case 'J' -> push((long) in.need(4).getInt());
                case 'K' -> push((long) in.u8());
                case 'M' -> push((long) (in.need(2).getShort() & 0xffff));
                case 0x8a -> push(in.longN(in.u8()));
                case 0x8b -> push(in.longN(in.len32()));
                case 'G' -> push(in.need(8).order(ByteOrder.BIG_ENDIAN).getDouble());
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 't' -> push(tuple(popMark()));
                case 0x85 -> push(tuple(popN(1)));
                case 0x86 -> push(tuple(popN(2)));
                case 0x87 -> push(tuple(popN(3)));
                case 'l' -> {
                    List<Object> items = popMark();
                    push(holds(new ArrayList<>(items), items));
                }
                case 'd' -> {
                    List<Object> kv = popMark();
                    Dict d = new Dict("dict");
                    setItems(d, kv);
                    push(d);
                }
                case 's' -> {
                    List<Object> kv = popN(2);
                    setItems(target(), kv);
                }
                case 'u' -> {
                    List<Object> kv = popMark();
                    setItems(target(), kv);
                }
                case 'a' -> {
                    List<Object> item = popN(1);
                    append(target(), item);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    append(target(), items);
                }
                case 0x8f -> push(new PySet(false, new ArrayList<>()));
                case 0x90 -> {
                    List<Object> items = popMark();
                    Object t = target();
                    if (!(t instanceof PySet s) || s.frozen()) throw fail("ADDITEMS on a " + Pickled.typeName(t));
                    s.items().addAll(items);
                    holds(s, items);
                }
                case 0x91 -> {
                    List<Object> items = popMark();
                    push(holds(new PySet(true, items), items));
                }
                case 'q' -> memoPut(in.u8());
                case 'r' -> memoPut(in.len32u());
                case 0x94 -> memoPut(memo.size());
                case 'h' -> push(memoGet(in.u8()));
                case 'j' -> push(memoGet(in.len32u()));
                case 'c' -> push(global(in.line(), in.line()));
                case 0x93 -> {
                    List<Object> mn = popN(2);
                    if (!(mn.get(0) instanceof String m) || !(mn.get(1) instanceof String n)) throw fail("STACK_GLOBAL needs two strings");
                    push(global(m, n));
                }
                case 'R' -> {
                    List<Object> fa = popRaw(2);
                    push(holds(reduce(fa.get(0), fa.get(1)), fa.subList(1, 2)));
                }
                case 0x81 -> {
                    List<Object> ca = popRaw(2);
                    push(holds(newObj(ca.get(0), ca.get(1)), ca.subList(1, 2)));
                }
                case 0x92 -> {
                    List<Object> cak = popRaw(3);
                    allData(cak.subList(1, 3));
                    if (!(cak.get(2) instanceof Dict kw) || !kw.map().isEmpty()) throw fail("NEWOBJ_EX with keyword arguments");
                    push(holds(newObj(cak.get(0), cak.get(1)), cak.subList(1, 2)));
                }
                case 'b' -> {
                    Object state = popN(1).get(0);
                    Object target = target();
                    build(target, state);
                    if (state != null) holds(target, List.of(state));
                }
                case 'Q' -> push(persistentLoad(popN(1).get(0)));
                case '0' -> popRaw(1); // discarding a value uses nothing
                case '1' -> popMarkRaw();
                case '2' -> push(peek());
                case '.' -> {
                    Object result = popN(1).get(0);
                    if (!stack.isEmpty()) throw fail("STOP with " + stack.size() + " values left on the stack");
                    return result;
                }
                default -> throw fail(String.format("unsupported pickle opcode 0x%02x%s", op, opName(op)));
            }
        }
    }

    /** Names the opcodes we deliberately leave out, so the message says why. */
    private static String opName(int op) {
        return switch (op) {
            case 'i' -> " (INST: calls a class; not allowed)";
            case 'o' -> " (OBJ: calls a class; not allowed)";
            case 0x82, 0x83, 0x84 -> " (EXT: copyreg extension registry; not allowed)";
            case 'I', 'L', 'F', 'S', 'V', 'P', 'p', 'g' -> " (protocol 0 text opcode; torch.save writes protocol 2)";
            case 0x97, 0x98 -> " (protocol 5 out-of-band buffer)";
            default -> "";
        };
    }

    // ---- globals and the constructors they stand for ----

    /**
     * A global off the whitelist as it sits on the stack: only its (printable) name. It is never
     * resolved; NEWOBJ may use it as a placeholder's class, anything else refuses it.
     */
    private record UnknownGlobal(String name) {}

    private Object global(String module, String name) {
        PickleGlobal g = PickleGlobal.lookup(module, name);
        if (g != null) return new Global(g, module + "." + name);
        UnknownGlobal u = new UnknownGlobal(printable(PickleGlobal.python3Module(module)) + "." + printable(name));
        if (PickleGlobal.runsCode(module)) throw refusedCall(u);
        return u;
    }

    /** The refusal of a call (or of a code module's name): the one line every code-running payload (os.system, eval, Popen, ...) ends in. */
    private FormworkException refusedCall(UnknownGlobal u) {
        return new FormworkException(where + ": refusing pickle global " + u.name()
                + " (checkpoints are read as data, code is never run; save a state_dict of tensors)");
    }

    /** Refuses an unknown global used as a value (in a container, as arguments or BUILD state, as the pickle's result). */
    private void dataOnly(Object v) {
        if (v instanceof UnknownGlobal u) {
            throw new FormworkException(where + ": refusing pickle global " + u.name()
                    + " used as a value (a global off the whitelist is only kept as the class of an inert object, never as a reference)");
        }
    }

    private void allData(List<Object> values) {
        for (Object v : values) dataOnly(v);
    }

    private Object reduce(Object callable, Object argsObj) {
        if (callable instanceof UnknownGlobal u) throw refusedCall(u);
        if (callable instanceof PyObject o && o.placeholder()) {
            throw new FormworkException(where + ": refusing to call an object of pickle global " + o.type() + " (checkpoints are read as data, code is never run)");
        }
        dataOnly(argsObj);
        if (!(callable instanceof Global g)) throw fail("REDUCE calls a " + Pickled.typeName(callable) + ", not a global");
        if (!(argsObj instanceof Tuple args)) throw fail("REDUCE arguments for " + g.qualifiedName() + " are a " + Pickled.typeName(argsObj));
        return switch (g.kind()) {
            case ORDERED_DICT -> orderedDict(args);
            case REBUILD_TENSOR_V2, REBUILD_TENSOR -> rebuildTensor(g, args);
            case REBUILD_PARAMETER, REBUILD_PARAMETER_WITH_STATE -> {
                if (args.size() < 1 || !(args.get(0) instanceof TensorRef t)) throw fail(g.qualifiedName() + " expects a tensor first");
                yield t.withUnread(args.items().subList(1, args.size()));
            }
            case GET_LAYOUT -> {
                if (args.size() != 1 || !(args.get(0) instanceof String s)) throw fail(g.qualifiedName() + " expects one str");
                yield new Layout(s);
            }
            case NAMESPACE, NUMPY_SCALAR, NUMPY_DTYPE, NUMPY_RECONSTRUCT -> new PyObject(g.qualifiedName(), args);
            case PATH -> {
                for (Object part : args.items()) {
                    if (!(part instanceof String)) throw fail(g.qualifiedName() + " takes str parts, got a " + Pickled.typeName(part));
                }
                yield new PyObject(g.qualifiedName(), args);
            }
            case CODECS_ENCODE -> encode(args);
            case SET, FROZENSET -> {
                List<Object> items = new ArrayList<>();
                if (args.size() == 1) items.addAll(iterable(args.get(0), g));
                else if (args.size() > 1) throw fail(g.qualifiedName() + " takes at most one argument");
                yield new PySet(g.kind() == PickleGlobal.FROZENSET, items);
            }
            case STORAGE_TYPE, LAYOUT, NUMPY_NDARRAY -> throw fail(g.qualifiedName() + " is only accepted as a name, not called");
        };
    }

    private Object newObj(Object cls, Object argsObj) {
        dataOnly(argsObj);
        if (!(argsObj instanceof Tuple args)) throw fail("NEWOBJ arguments are a " + Pickled.typeName(argsObj));
        // cls.__new__(cls, *args) in Python; here only the name is kept, nothing is resolved or run.
        if (cls instanceof UnknownGlobal u) return new PyObject(u.name(), args, true);
        if (!(cls instanceof Global g)) throw fail("NEWOBJ on a " + Pickled.typeName(cls) + ", not a class");
        return switch (g.kind()) {
            case ORDERED_DICT -> new Dict("collections.OrderedDict");
            case NAMESPACE, NUMPY_DTYPE, NUMPY_NDARRAY, PATH -> new PyObject(g.qualifiedName(), args);
            default -> throw fail("NEWOBJ on " + g.qualifiedName() + ", which is not a class");
        };
    }

    private Dict orderedDict(Tuple args) {
        Dict d = new Dict("collections.OrderedDict");
        if (args.size() == 0) return d;
        if (args.size() != 1) throw fail("collections.OrderedDict takes at most one argument");
        Object src = args.get(0);
        if (src instanceof Dict other) {
            d.map().putAll(other.map());
            return d;
        }
        for (Object pair : iterable(src, null)) {
            List<Object> kv = pair instanceof Tuple t ? t.items() : pair instanceof List<?> l ? new ArrayList<>(l) : null;
            if (kv == null || kv.size() != 2) throw fail("collections.OrderedDict items must be pairs");
            d.map().put(kv.get(0), kv.get(1));
        }
        return d;
    }

    private List<Object> iterable(Object v, Global g) {
        if (v instanceof List<?> l) return new ArrayList<>(l);
        if (v instanceof Tuple t) return t.items();
        if (v instanceof PySet s) return s.items();
        throw fail((g == null ? "collections.OrderedDict" : g.qualifiedName()) + " expects a list or tuple, got " + Pickled.typeName(v));
    }

    private TensorRef rebuildTensor(Global g, Tuple a) {
        int min = g.kind() == PickleGlobal.REBUILD_TENSOR ? 4 : 6;
        String sig = g.qualifiedName() + "(storage, offset, size, stride" + (min == 6 ? ", requires_grad, hooks" : "") + ")";
        if (a.size() < min || a.size() > min + 1) throw fail(sig + " called with " + a.size() + " arguments");
        Object st = a.get(0);
        long base = 0, limit = -1;
        if (st instanceof StorageView v) {
            st = v.root();
            base = v.offset();
            limit = v.numel();
        }
        if (!(st instanceof StorageRef s)) throw fail(sig + ": first argument is a " + Pickled.typeName(a.get(0)) + ", not a storage");
        if (!(a.get(1) instanceof Long off) || off < 0) throw fail(sig + ": bad offset " + Pickled.brief(a.get(1)));
        long[] size = longs(a.get(2), sig + ": size");
        long[] stride = longs(a.get(3), sig + ": stride");
        if (size.length != stride.length) throw fail(sig + ": size " + Arrays.toString(size) + " and stride " + Arrays.toString(stride) + " differ in rank");
        for (int i = 0; i < size.length; i++) {
            if (size[i] < 0 || stride[i] < 0) throw fail(sig + ": negative size or stride " + Arrays.toString(size) + " " + Arrays.toString(stride));
        }
        if (limit >= 0) {
            // A tensor on a legacy storage view must stay inside the view, not just inside its root.
            long numel = 1, last = off;
            try {
                for (int i = 0; i < size.length; i++) {
                    numel = Math.multiplyExact(numel, size[i]);
                    if (size[i] > 0) last = Math.addExact(last, Math.multiplyExact(size[i] - 1, stride[i]));
                }
            } catch (ArithmeticException e) {
                throw fail(sig + ": tensor size overflows");
            }
            if (numel > 0 && last >= limit) {
                throw fail(sig + ": tensor " + Arrays.toString(size) + " at offset " + off + " reaches element " + last + " of a storage view of " + limit);
            }
        }
        return new TensorRef(s, Math.addExact(off, base), size, stride, a.items().subList(4, a.size()));
    }

    private long[] longs(Object v, String what) {
        if (!(v instanceof Tuple t)) throw fail(what + " is a " + Pickled.typeName(v) + ", not a tuple");
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long l)) throw fail(what + " holds a " + Pickled.typeName(t.get(i)));
            out[i] = l;
        }
        return out;
    }

    private Bytes encode(Tuple a) {
        if (a.size() < 1 || a.size() > 2 || !(a.get(0) instanceof String s)) throw fail("_codecs.encode expects (str, encoding)");
        String enc = a.size() == 2 && a.get(1) instanceof String e ? e.toLowerCase(java.util.Locale.ROOT).replace('_', '-') : "utf-8";
        return switch (enc) {
            case "latin1", "latin-1", "iso-8859-1" -> {
                byte[] b = new byte[s.length()];
                for (int i = 0; i < b.length; i++) {
                    char c = s.charAt(i);
                    if (c > 0xff) throw fail("_codecs.encode: character outside latin-1");
                    b[i] = (byte) c;
                }
                yield new Bytes(b);
            }
            case "utf-8", "utf8" -> new Bytes(s.getBytes(StandardCharsets.UTF_8));
            default -> throw fail("_codecs.encode with encoding " + printable(String.valueOf(a.get(1))) + " (only latin1 and utf-8)");
        };
    }

    private void build(Object target, Object state) {
        if (target instanceof PyObject o) {
            o.setState(state);
            return;
        }
        if (target instanceof Dict d) {
            // An OrderedDict's instance __dict__ (state_dict()._metadata), possibly as (dict, slots).
            Object s = state instanceof Tuple t && t.size() == 2 ? t.get(0) : state;
            if (s == null) return;
            if (!(s instanceof Dict sd)) throw fail("BUILD on a dict with a " + Pickled.typeName(s) + " state");
            for (Map.Entry<Object, Object> e : sd.map().entrySet()) d.attributes().put(Pickled.brief(e.getKey()), e.getValue());
            return;
        }
        throw fail("BUILD on a " + Pickled.typeName(target) + " (only objects and dicts take state)");
    }

    private Object persistentLoad(Object pid) {
        int n = legacy ? 6 : 5;
        if (!(pid instanceof Tuple t) || t.size() != n || !"storage".equals(t.get(0))) {
            throw fail("persistent id " + Pickled.brief(pid) + " is not ('storage', type, key, location, numel" + (legacy ? ", view)" : ")"));
        }
        if (!(t.get(1) instanceof Global g) || g.kind() != PickleGlobal.STORAGE_TYPE) {
            throw fail("persistent id names storage type " + Pickled.typeName(t.get(1)) + ", not a torch.*Storage");
        }
        StorageType type = StorageType.byPythonName(g.qualifiedName().substring(g.qualifiedName().lastIndexOf('.') + 1));
        if (!(t.get(2) instanceof String key) || !(t.get(3) instanceof String loc) || !(t.get(4) instanceof Long numel) || numel < 0) {
            throw fail("persistent id " + Pickled.brief(t) + " is not ('storage', type, str key, str location, int numel)");
        }
        StorageRef ref = new StorageRef(type, key, loc, numel);
        StorageRef prev = storages.putIfAbsent(key, ref);
        if (prev != null && (prev.type() != type || prev.numel() != numel)) {
            throw fail("storage " + printable(key) + " is referenced as " + prev.type().pythonName() + "[" + prev.numel() + "] and as "
                    + type.pythonName() + "[" + numel + "]");
        }
        StorageRef root = prev == null ? ref : prev;
        if (!legacy || t.get(5) == null) return root;
        // Pre-1.0 torch pickled storage views: (view_key, element offset, element count) of the root.
        if (!(t.get(5) instanceof Tuple v) || v.size() != 3 || !(v.get(0) instanceof String) || !(v.get(1) instanceof Long off)
                || !(v.get(2) instanceof Long len) || off < 0 || len < 0 || off > numel - len) {
            throw fail("storage view " + Pickled.brief(t.get(5)) + " does not lie inside storage " + printable(key) + " of " + numel + " elements");
        }
        return new StorageView(root, off, len);
    }

    /** A window of a legacy root storage, as pre-1.0 torch pickled {@code storage[offset:offset+numel]}. */
    record StorageView(StorageRef root, long offset, long numel) {}

    // ---- stack and memo ----

    private void push(Object v) {
        count();
        stack.add(v);
    }

    /** Every value, MARK and memo entry counts against {@link #MAX_VALUES}: each costs heap however small its opcode. */
    private void count() {
        if (++created > MAX_VALUES) throw fail("more than " + MAX_VALUES + " values in one pickle; not a checkpoint");
    }

    private Tuple tuple(List<Object> items) {
        return holds(new Tuple(items), items);
    }

    /**
     * Records that {@code parent} now holds {@code children} and checks the nesting bound. Depth
     * is tracked as values are built and filled (a container one level, each holder one more),
     * so a 100,000-deep nest is refused at level {@link #MAX_DEPTH}, before anything hashes it.
     */
    private <T> T holds(T parent, List<?> children) {
        int d = depthOf(parent);
        for (Object c : children) d = Math.max(d, depthOf(c) + 1);
        if (d > MAX_DEPTH) throw fail("values nested more than " + MAX_DEPTH + " levels deep; not a checkpoint");
        if (d > 1) depths.put(parent, d);
        return parent;
    }

    private int depthOf(Object v) {
        if (v == null) return 0;
        Integer d = depths.get(v);
        if (d != null) return d;
        return v instanceof List || v instanceof Tuple || v instanceof Dict || v instanceof PySet || v instanceof PyObject ? 1 : 0;
    }

    private void memoPut(long index) {
        Object v = peek();
        if (!memo.containsKey(index)) count();
        memo.put(index, v);
    }

    private Object peek() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) throw fail("stack underflow");
        return stack.get(stack.size() - 1);
    }

    /** The top of the stack as the object an opcode modifies (SETITEM(S), APPEND(S), ADDITEMS, BUILD). */
    private Object target() {
        Object t = peek();
        dataOnly(t);
        return t;
    }

    /** Pops {@code n} values that become data: an unknown global among them is refused. */
    private List<Object> popN(int n) {
        List<Object> out = popRaw(n);
        allData(out);
        return out;
    }

    /** Pops the values after the last MARK, which become data. */
    private List<Object> popMark() {
        List<Object> out = popMarkRaw();
        allData(out);
        return out;
    }

    /** Pops {@code n} values as they are, for the opcodes that look at an unknown global themselves (REDUCE, NEWOBJ, POP). */
    private List<Object> popRaw(int n) {
        int from = stack.size() - n;
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1) + 1;
        if (from < floor) throw fail("stack underflow");
        List<Object> sub = stack.subList(from, stack.size());
        List<Object> out = new ArrayList<>(sub);
        sub.clear();
        return out;
    }

    private List<Object> popMarkRaw() {
        if (marks.isEmpty()) throw fail("no MARK on the stack");
        int m = marks.remove(marks.size() - 1);
        List<Object> sub = stack.subList(m + 1, stack.size());
        List<Object> out = new ArrayList<>(sub);
        stack.subList(m, stack.size()).clear();
        return out;
    }

    private Object memoGet(long i) {
        if (!memo.containsKey(i)) throw fail("memo entry " + i + " was never stored");
        return memo.get(i);
    }

    private void setItems(Object target, List<Object> kv) {
        if (!(target instanceof Dict d)) throw fail("SETITEM(S) on a " + Pickled.typeName(target));
        if (kv.size() % 2 != 0) throw fail("SETITEMS with an odd number of values");
        for (int i = 0; i < kv.size(); i += 2) d.map().put(kv.get(i), kv.get(i + 1));
        holds(d, kv);
    }

    @SuppressWarnings("unchecked")
    private void append(Object target, List<Object> items) {
        if (!(target instanceof List<?> l)) throw fail("APPEND(S) on a " + Pickled.typeName(target));
        ((List<Object>) l).addAll(items);
        holds(l, items);
    }

    /** Keeps a file-supplied name safe to put in a one-line message. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 120; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return s.length() > 120 ? b + "..." : b.toString();
    }

    private FormworkException fail(String msg) {
        return new FormworkException(where + ": " + label + " byte " + opStart + ": " + msg);
    }
}
