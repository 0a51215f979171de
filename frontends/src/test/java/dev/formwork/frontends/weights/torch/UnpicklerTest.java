package dev.formwork.frontends.weights.torch;

import static dev.formwork.frontends.testing.Errors.fails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.frontends.weights.torch.Pickled.Dict;
import dev.formwork.frontends.weights.torch.Pickled.PyObject;
import dev.formwork.frontends.weights.torch.Pickled.TensorRef;
import dev.formwork.frontends.weights.torch.Pickled.Tuple;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The restricted unpickler on hand-written pickles: the opcodes torch uses build data; code-running constructs are refused. */
class UnpicklerTest {
    /** A tiny pickle assembler: opcodes and operands in order. */
    static final class P {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();

        P op(int... bytes) {
            for (int x : bytes) b.write(x);
            return this;
        }

        P str(String s) {
            byte[] u = s.getBytes(StandardCharsets.UTF_8);
            op('X');
            i32(u.length);
            b.writeBytes(u);
            return this;
        }

        P i32(int v) {
            return op(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24));
        }

        P global(String module, String name) {
            op('c');
            b.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        Object load() {
            return Unpickler.load("t.pth", ByteBuffer.wrap(b.toByteArray()));
        }
    }

    static P p() {
        return new P().op(0x80, 2);
    }

    @Test
    void scalarsAndContainers() {
        // {'a': [1, 300, -5, 2**40, 2**70], 'b': (None, True, False, 0.5, 'é'), 3: {}}
        P x = p().op('}', '(').str("a").op(']', '(', 'K', 1, 'M', 0x2c, 0x01, 'J').i32(-5)
                .op(0x8a, 6, 0, 0, 0, 0, 0, 1)
                .op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0x40)
                .op('e').str("b").op('(', 'N', 0x88, 0x89, 'G', 0x3f, 0xe0, 0, 0, 0, 0, 0, 0).str("é").op('t')
                .op('K', 3, '}', 'u', '.');
        Dict d = assertInstanceOf(Dict.class, x.load());
        assertEquals(List.of(1L, 300L, -5L, 1L << 40, BigInteger.TWO.pow(70)), d.map().get("a"));
        Tuple t = (Tuple) d.map().get("b");
        assertEquals(5, t.size());
        assertNull(t.get(0));
        assertEquals(true, t.get(1));
        assertEquals(false, t.get(2));
        assertEquals(0.5, t.get(3));
        assertEquals("é", t.get(4));
        assertInstanceOf(Dict.class, d.map().get(3L));
    }

    @Test
    void memoSharesObjects() {
        // l = []; (l, l) via BINPUT/BINGET, then APPEND to the first
        Tuple t = (Tuple) p().op(']', 'q', 0, 'h', 0, 0x86, '.').load();
        assertSame(t.get(0), t.get(1));
        fails(() -> p().op('h', 7, '.').load(), "t.pth: data.pkl byte 2: memo entry 7 was never stored");
    }

    @Test
    void tensorRebuildAndPersistentStorage() {
        // OrderedDict([('w', _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', 6), 0, (2, 3), (3, 1), False, OrderedDict()))])
        P x = p().global("collections", "OrderedDict").op('q', 0, ')', 'R', '(').str("w")
                .global("torch._utils", "_rebuild_tensor_v2").op('(', '(').str("storage").global("torch", "FloatStorage").str("0").str("cpu")
                .op('K', 6, 't', 'Q', 'K', 0, 'K', 2, 'K', 3, 0x86, 'K', 3, 'K', 1, 0x86, 0x89, 'h', 0, ')', 'R', 't', 'R', 'u')
                // BUILD with the state_dict _metadata attribute
                .op('}').str("_metadata").op('}', 's', 'b', '.');
        Dict d = (Dict) x.load();
        assertEquals("collections.OrderedDict", d.type());
        TensorRef t = (TensorRef) d.map().get("w");
        assertEquals(StorageType.FLOAT, t.storage().type());
        assertEquals("0", t.storage().key());
        assertEquals(6, t.storage().numel());
        assertEquals(List.of(2L, 3L), List.of(t.size()[0], t.size()[1]));
        assertTrue(d.attributes().containsKey("_metadata"));
    }

    @Test
    void namespaceIsAnInertAttributeBag() {
        PyObject ns = (PyObject) p().global("argparse", "Namespace").op(')', 0x81, '}').str("lr").op('G', 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a, 's', 'b', '.').load();
        assertEquals("argparse.Namespace", ns.type());
        assertEquals(0.1, ((Dict) ns.state()).map().get("lr"));
    }

    @Test
    void codecsEncodeIsBytes() {
        Pickled.Bytes b = (Pickled.Bytes) p().global("_codecs", "encode").str("\u00ff\u0001").str("latin1").op(0x86, 'R', '.').load();
        assertEquals(List.of((byte) 0xff, (byte) 1), List.of(b.value()[0], b.value()[1]));
        fails(() -> p().global("_codecs", "encode").str("x").str("rot13").op(0x86, 'R', '.').load(), "only latin1 and utf-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"os system", "posix system", "builtins eval", "__builtin__ getattr", "subprocess Popen", "torch load",
        "torch._utils _rebuild_device_tensor_from_numpy", "timm.models.efficientformer EfficientFormer", "copy_reg _reconstructor",
        "collections defaultdict", "torch.nn.modules.conv Conv2d", "mymodule run"})
    void nonWhitelistedGlobalsAreRefusedWhenCalled(String g) {
        String[] mn = g.split(" ");
        String shown = PickleGlobal.python3Module(mn[0]) + "." + mn[1];
        String refused = "t.pth: refusing pickle global " + shown + " (checkpoints are read as data, code is never run";
        // Refused at the REDUCE: the byte after it (an invalid opcode) is never read.
        fails(() -> p().global(mn[0], mn[1]).str("touch x").op(0x85, 'R', 0xff).load(), refused);
        // The same through STACK_GLOBAL (protocol 4) and with BINGET of the memoized global, as pickle writes it.
        fails(() -> new P().op(0x80, 4).op(0x8c, mn[0].length()).op(mn[0].chars().toArray()).op(0x8c, mn[1].length()).op(mn[1].chars().toArray())
                .op(0x93, 0x94, '0', 'h', 0, ')', 'R', '.').load(), refused);
    }

    @ParameterizedTest
    @ValueSource(strings = {"os system", "posix system", "builtins eval", "__builtin__ getattr", "subprocess Popen", "posixpath os",
        "importlib import_module", "operator attrgetter", "functools partial"})
    void namesFromCodeModulesAreRefusedOnSight(String g) {
        String[] mn = g.split(" ");
        // Nothing after the GLOBAL (an invalid opcode) is read.
        fails(() -> p().global(mn[0], mn[1]).op(0xff).load(), "t.pth: refusing pickle global " + PickleGlobal.python3Module(mn[0]) + "." + mn[1] + " (");
    }

    @Test
    void unknownGlobalUsedAsAValueIsRefused() {
        String value = "t.pth: refusing pickle global mymodule.Thing used as a value";
        fails(() -> p().global("mymodule", "Thing").op('.').load(), value); // the pickle's result
        fails(() -> p().global("mymodule", "Thing").op(0x85, '.').load(), value); // in a tuple
        fails(() -> p().op(']').global("mymodule", "Thing").op('a', '.').load(), value); // appended
        fails(() -> p().op('}').str("k").global("mymodule", "Thing").op('s', '.').load(), value); // a dict value
        fails(() -> p().global("mymodule", "Thing").str("k").op('K', 1, 's', '.').load(), value); // SETITEM on it
        fails(() -> p().global("mymodule", "Thing").op('}', 'b', '.').load(), value); // BUILD on it
        fails(() -> p().global("argparse", "Namespace").op(')', 0x81).global("mymodule", "Thing").op('b', '.').load(), value); // as BUILD state
        fails(() -> p().global("mymodule", "A").global("mymodule", "Thing").op(0x85, 0x81, '.').load(), value); // a NEWOBJ argument
        fails(() -> p().global("mymodule", "A").global("mymodule", "Thing").op(0x81, '.').load(), value); // NEWOBJ's argument tuple
        fails(() -> p().global("_codecs", "encode").global("mymodule", "Thing").op('R', '.').load(), value); // REDUCE's argument tuple
        // Discarding one (POP) uses nothing.
        assertEquals(1L, p().global("mymodule", "Thing").op('0', 'K', 1, '.').load());
    }

    @Test
    void unknownClassBecomesAnInertPlaceholderThatBuildOnlyFills() {
        // __main__.RunInfo via NEWOBJ, then BUILD with its __dict__: what pickle writes for an object of a script's class.
        PyObject o = (PyObject) p().global("__main__", "RunInfo").op('q', 0, ')', 0x81, '}').str("host").str("node0").op('s', 'b', '.').load();
        assertTrue(o.placeholder());
        assertEquals("__main__.RunInfo", o.type());
        assertEquals(0, o.args().size());
        assertEquals("node0", ((Dict) o.state()).map().get("host"));
        // NEWOBJ arguments and a (dict, slots) state are recorded as they are, BUILD twice just replaces the state.
        PyObject s = (PyObject) new P().op(0x80, 4).global("mymodule", "Config").str("x").op(0x85, '}', 0x92).op('N', '}', 0x86, 'b', 'K', 7, 'b', '.').load();
        assertTrue(s.placeholder());
        assertEquals("mymodule.Config", s.type());
        assertEquals(List.of("x"), s.args().items());
        assertEquals(7L, s.state());
        // Whitelisted classes are not placeholders.
        assertFalse(((PyObject) p().global("argparse", "Namespace").op(')', 0x81, '.').load()).placeholder());
    }

    @Test
    void placeholderIsNeverCalled() {
        fails(() -> p().global("mymodule", "Thing").op(')', 0x81).str("touch x").op(0x85, 'R', '.').load(),
                "t.pth: refusing to call an object of pickle global mymodule.Thing");
    }

    @Test
    void pathsAreInertObjectsOfStrParts() {
        for (String m : List.of("pathlib", "pathlib._local")) {
            PyObject path = (PyObject) p().global(m, "PosixPath").str("runs").str("x").op(0x86, 'R', '.').load();
            assertEquals(m + ".PosixPath", path.type());
            assertFalse(path.placeholder());
            assertEquals(List.of("runs", "x"), path.args().items());
        }
        fails(() -> p().global("pathlib", "WindowsPath").op('K', 1, 0x85, 'R', '.').load(), "pathlib.WindowsPath takes str parts, got a int");
    }

    @Test
    void placeholdersAreFoundWhereverTheyHide() {
        P tensorWithHooks = p().global("torch._utils", "_rebuild_tensor_v2").op('(', '(').str("storage").global("torch", "FloatStorage").str("0")
                .str("cpu").op('K', 1, 't', 'Q', 'K', 0, 'K', 1, 0x85, 'K', 1, 0x85, 0x89, '}').str("hook")
                .op(']').global("mymodule", "Hook").op(')', 0x81, 'a', 's', 't', 'R', '.');
        TensorRef t = (TensorRef) tensorWithHooks.load();
        assertEquals("mymodule.Hook", Pickled.firstPlaceholder(t).type());
        // A cycle (a list holding itself) next to it is walked once.
        Object cyclic = p().op(']', 'q', 0, 'h', 0, 'a', '.').load();
        assertNull(Pickled.firstPlaceholder(cyclic));
        assertNull(Pickled.firstPlaceholder(p().global("argparse", "Namespace").op(')', 0x81, '}').str("a").op('K', 1, 's', 'b', '.').load()));
        Dict keyed = (Dict) p().op('}').global("mymodule", "Key").op(')', 0x81, 'K', 1, 's', '.').load();
        assertEquals("mymodule.Key", Pickled.firstPlaceholder(keyed).type());
    }

    @Test
    void refusedGlobalNameIsSanitised() {
        String m = fails(() -> p().global("os\u0007", "sys\rtem").op(')', 'R', '.').load(), "refusing pickle global os?.sys?tem").getMessage();
        assertTrue(m.chars().allMatch(c -> c >= 0x20 && c < 0x7f), m);
    }

    @Test
    void whitelistedNamesAreNotCallables() {
        fails(() -> p().global("torch", "FloatStorage").op(')', 'R', '.').load(), "torch.FloatStorage is only accepted as a name, not called");
        fails(() -> p().global("numpy", "ndarray").op(')', 'R', '.').load(), "numpy.ndarray is only accepted as a name");
        fails(() -> p().op(']', ')', 'R', '.').load(), "REDUCE calls a list, not a global");
        fails(() -> p().op(']', '}', 'b', '.').load(), "BUILD on a list");
        fails(() -> p().global("torch._utils", "_rebuild_tensor_v2").op(')', 'R', '.').load(), "called with 0 arguments");
    }

    @ParameterizedTest
    @ValueSource(ints = {'i', 'o', 0x82, 'I', 'P', 0x97})
    void codeRunningAndTextOpcodesAreUnsupported(int op) {
        fails(() -> p().op(op).load(), "t.pth: data.pkl byte 2: unsupported pickle opcode");
    }

    @Test
    void persistentIdsMustBeStorages() {
        fails(() -> p().str("x").op(0x85, 'Q', '.').load(), "is not ('storage', type, key, location, numel)");
        fails(() -> p().op('(').str("storage").global("collections", "OrderedDict").str("0").str("cpu").op('K', 1, 't', 'Q', '.').load(),
                "not a torch.*Storage");
        // The same key as two different storages.
        P twice = p().op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").op('K', 1, 't', 'Q')
                .op('(').str("storage").global("torch", "LongStorage").str("0").str("cpu").op('K', 1, 't', 'Q', 0x86, '.');
        fails(twice::load, "storage 0 is referenced as FloatStorage[1] and as LongStorage[1]");
    }

    @Test
    void malformedStreams() {
        fails(() -> p().op('}').load(), "pickle ends without STOP");
        fails(() -> p().op('X').i32(1000).op('a', '.').load(), "runs past the end");
        fails(() -> p().op('s', '.').load(), "stack underflow");
        fails(() -> p().op('}', '}', '.').load(), "STOP with 1 values left on the stack");
        fails(() -> p().op('u', '.').load(), "no MARK");
        fails(() -> new P().op(0x80, 9).load(), "pickle protocol 9");
        fails(() -> p().op('X').i32(2).op(0xc3, 0x28, '.').load(), "not valid UTF-8");
        fails(() -> p().op('c').op("os".chars().toArray()).load(), "not newline-terminated");
        // A tuple that contains a list that contains the tuple, used as a dict key: hashing never ends.
        fails(() -> p().op('}', ']', 'q', 0, 0x85, 'q', 1, '0', 'h', 0, 'h', 1, 'a', '0', 'h', 1, 'N', 's', '.').load(), "self-referential");
    }

    @Test
    void protocol4And5Opcodes() {
        // PROTO 5, FRAME, then (BINUNICODE8 'k' MEMOIZE, BINBYTES8 b'ab' MEMOIZE, SHORT_BINBYTES b'z', BYTEARRAY8 b'',
        // EMPTY_SET + ADDITEMS {1, 2}, FROZENSET {3}, BINGET 0) as a tuple
        P x = new P().op(0x80, 5, 0x95, 40, 0, 0, 0, 0, 0, 0, 0, '(')
                .op(0x8d, 1, 0, 0, 0, 0, 0, 0, 0, 'k', 0x94)
                .op(0x8e, 2, 0, 0, 0, 0, 0, 0, 0, 'a', 'b', 0x94)
                .op('C', 1, 'z')
                .op(0x96, 0, 0, 0, 0, 0, 0, 0, 0)
                .op(0x8f, '(', 'K', 1, 'K', 2, 0x90)
                .op('(', 'K', 3, 0x91)
                .op('h', 0, 't', '.');
        Tuple t = (Tuple) x.load();
        assertEquals("k", t.get(0));
        assertEquals("ab", new String(((Pickled.Bytes) t.get(1)).value(), StandardCharsets.US_ASCII));
        assertEquals("z", new String(((Pickled.Bytes) t.get(2)).value(), StandardCharsets.US_ASCII));
        assertEquals(0, ((Pickled.Bytes) t.get(3)).value().length);
        assertEquals(new Pickled.PySet(false, List.of(1L, 2L)), t.get(4));
        assertEquals(new Pickled.PySet(true, List.of(3L)), t.get(5));
        assertEquals("k", t.get(6));
        // STACK_GLOBAL of a whitelisted name builds it; NEWOBJ_EX without keywords is NEWOBJ.
        P od = new P().op(0x80, 4, 0x8c, 11).op("collections".chars().toArray()).op(0x8c, 11).op("OrderedDict".chars().toArray())
                .op(0x93, 0x94, ')', 'R', '.');
        assertEquals("collections.OrderedDict", ((Dict) od.load()).type());
        PyObject ns = (PyObject) new P().op(0x80, 4).global("argparse", "Namespace").op(')', '}', 0x92, '.').load();
        assertEquals("argparse.Namespace", ns.type());
        fails(() -> new P().op(0x80, 4).global("argparse", "Namespace").op(')', '}').str("a").op('K', 1, 's', 0x92, '.').load(),
                "NEWOBJ_EX with keyword arguments");
    }

    /** ('storage', FloatStorage, '0', 'cpu', 10, view) then _rebuild_tensor_v2(storage, offset, (size,), (1,)) in a legacy pickle. */
    static Object legacyTensor(String view, int offset, int size) {
        P x = p().global("torch._utils", "_rebuild_tensor_v2").op('(', '(').str("storage").global("torch", "FloatStorage").str("0")
                .str("cpu").op('K', 10);
        if (view == null) x.op('N');
        else x.op('(').str("v").op('K', Integer.parseInt(view.split(",")[0]), 'K', Integer.parseInt(view.split(",")[1]), 't');
        x.op('t', 'Q', 'K', offset, 'K', size, 0x85, 'K', 1, 0x85, 0x89, '}', 't', 'R', '.');
        return Unpickler.legacy("t.pth", ByteBuffer.wrap(x.b.toByteArray()), 0).load();
    }

    @Test
    void legacyStorageViewsAreWindowsOfTheirRoot() {
        TensorRef plain = (TensorRef) legacyTensor(null, 1, 9);
        assertEquals(1, plain.offset());
        assertEquals(10, plain.storage().numel());
        // storage[4:7] viewed whole: the tensor starts at root element 4.
        TensorRef v = (TensorRef) legacyTensor("4,3", 0, 3);
        assertEquals(4, v.offset());
        assertEquals("0", v.storage().key());
        fails(() -> legacyTensor("4,3", 1, 3), "reaches element 3 of a storage view of 3");
        fails(() -> legacyTensor("8,3", 0, 1), "storage view", "does not lie inside storage 0 of 10 elements");
        // The zip format's persistent ids have no view field.
        fails(() -> p().op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").op('K', 1, 'N', 't', 'Q', '.').load(),
                "is not ('storage', type, key, location, numel)");
    }

    @Test
    void valueCountIsBounded() {
        // [None, None, ...]: one byte per value, so a small file could otherwise ask for billions of boxes.
        byte[] b = new byte[Unpickler.MAX_VALUES + 8];
        b[0] = (byte) 0x80;
        b[1] = 2;
        b[2] = ']';
        java.util.Arrays.fill(b, 3, b.length, (byte) 'N');
        fails(() -> Unpickler.load("t.pth", ByteBuffer.wrap(b)), "more than " + Unpickler.MAX_VALUES + " values in one pickle");
    }

    @Test
    void storageTypeNamesCoverTorch() {
        for (StorageType t : StorageType.values()) assertSame(PickleGlobal.STORAGE_TYPE, PickleGlobal.lookup("torch", t.pythonName()));
        assertNull(PickleGlobal.lookup("torch", "Storage"));
        assertNull(PickleGlobal.lookup("torch", "FloatStorage\n"));
        assertSame(PickleGlobal.SET, PickleGlobal.lookup("__builtin__", "set")); // protocol 2's Python 2 module name
    }
}
