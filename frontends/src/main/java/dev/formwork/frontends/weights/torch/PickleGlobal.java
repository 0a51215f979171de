package dev.formwork.frontends.weights.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The whitelist: the only pickle globals (GLOBAL / STACK_GLOBAL {@code module.name}) a
 * checkpoint may call. Any other global is kept as a bare name that can only be the class of an
 * inert placeholder object (NEWOBJ); calling it (REDUCE) or using it as a value is refused with a
 * one-line error naming it, and so is a placeholder inside the weights.
 *
 * <p>Why this is safe: a pickle runs code only through globals that REDUCE / NEWOBJ / BUILD
 * call. Here no global is ever resolved to Python or Java behaviour; each entry is a tag the
 * {@link Unpickler} interprets as a fixed data constructor with checked arguments, producing an
 * inert {@link Pickled} value. The entries are what {@code torch.save} of a state dict or of an
 * original EfficientFormer training checkpoint contains: timm's hub {@code .bin} uses
 * {@code OrderedDict}, {@code _rebuild_tensor_v2}, {@code FloatStorage} and {@code LongStorage};
 * the training script adds {@code argparse.Namespace} for {@code args}, and paths in it are
 * {@code pathlib} objects (pickled as a call); numpy and {@code _codecs} appear when a training
 * dict holds numpy numbers. The parameter, layout and set entries cover other torch versions and
 * {@code keep_vars=True} saves.
 */
public enum PickleGlobal {
    /**
     * {@code collections.OrderedDict}: what {@code state_dict()} returns. Built as an empty
     * {@link Pickled.Dict} (REDUCE with no arguments) or from a list of pairs; items arrive via
     * SETITEMS, the {@code _metadata} attribute via BUILD (kept, never interpreted).
     */
    ORDERED_DICT("collections.OrderedDict"),
    /**
     * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad,
     * backward_hooks[, metadata])}: how every tensor is pickled. Becomes a
     * {@link Pickled.TensorRef} (a window of a storage); the hooks and metadata are ignored, no
     * hook is ever called.
     */
    REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2"),
    /** {@code torch._utils._rebuild_tensor(storage, offset, size, stride)}: the pre-1.0 form. */
    REBUILD_TENSOR("torch._utils._rebuild_tensor"),
    /**
     * {@code torch._utils._rebuild_parameter(data, requires_grad, backward_hooks)}: an
     * {@code nn.Parameter} (a state dict saved with {@code keep_vars=True}); yields its tensor.
     */
    REBUILD_PARAMETER("torch._utils._rebuild_parameter"),
    /** {@code torch._utils._rebuild_parameter_with_state(data, requires_grad, hooks, state)}: same, newer torch. */
    REBUILD_PARAMETER_WITH_STATE("torch._utils._rebuild_parameter_with_state"),
    /**
     * {@code torch.FloatStorage} ... {@code torch.BoolStorage} ({@link StorageType}): element-type
     * names inside a persistent id; calling one is refused.
     */
    STORAGE_TYPE(),
    /** {@code torch.strided}: a layout constant, kept as a name. */
    LAYOUT("torch.strided"),
    /** {@code torch.serialization._get_layout(name)}: a layout by name; only a str argument is accepted. */
    GET_LAYOUT("torch.serialization._get_layout"),
    /**
     * {@code argparse.Namespace}: the training script's {@code args}. An attribute bag; becomes
     * an inert {@link Pickled.PyObject} whose BUILD state is just stored.
     */
    NAMESPACE("argparse.Namespace"),
    /**
     * {@code pathlib.PosixPath(*parts)} and its siblings (an output directory in {@code args});
     * {@code pathlib._local} is where Python 3.13 defines them. Only str parts are accepted; the
     * result is an inert {@link Pickled.PyObject}, no file system is touched.
     */
    PATH(paths()),
    /** numpy scalars ({@code scalar(dtype, bytes)}) in training bookkeeping: inert placeholder, bytes not decoded. */
    NUMPY_SCALAR("numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar"),
    /** {@code numpy.dtype(...)} (argument of a numpy scalar): inert placeholder. */
    NUMPY_DTYPE("numpy.dtype"),
    /** numpy arrays ({@code _reconstruct(ndarray, shape, dtype)} + BUILD): inert placeholder. */
    NUMPY_RECONSTRUCT("numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"),
    /** {@code numpy.ndarray}: only as the class argument of {@code _reconstruct}. */
    NUMPY_NDARRAY("numpy.ndarray"),
    /**
     * {@code _codecs.encode(str, 'latin1')}: protocol 2's spelling of a bytes literal (numpy
     * scalars use it). Evaluated in Java as a charset encoding of a string; nothing else.
     */
    CODECS_ENCODE("_codecs.encode"),
    /** {@code builtins.set} / {@code frozenset} from an iterable: protocol 2's spelling of a set literal. */
    SET("builtins.set"),
    FROZENSET("builtins.frozenset");

    /**
     * Modules whose names are refused as soon as they are read, without waiting for the call:
     * interpreters, processes, the file system, imports, attribute access. No checkpoint holds an
     * object of theirs, and refusing them on sight names the first global of a chained payload
     * ({@code getattr(__import__('os'), 'system')} is refused as {@code builtins.getattr}).
     */
    private static final Set<String> CODE_MODULES = Set.of("builtins", "os", "posix", "nt", "posixpath", "ntpath",
            "subprocess", "sys", "shutil", "importlib", "runpy", "pty", "socket", "pickle", "_pickle", "marshal", "ctypes", "code",
            "codeop", "operator", "functools", "types", "io", "_io", "webbrowser", "multiprocessing", "threading", "signal", "pdb", "timeit");

    private final List<String> names;

    PickleGlobal(String... names) {
        this.names = List.of(names);
    }

    private static String[] paths() {
        List<String> out = new ArrayList<>();
        for (String m : List.of("pathlib", "pathlib._local")) {
            for (String c : List.of("Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath", "PureWindowsPath")) out.add(m + "." + c);
        }
        return out.toArray(String[]::new);
    }

    /** The Python 3 name of a module protocol 2 may spell the Python 2 way (as {@code fix_imports} maps it). */
    static String python3Module(String module) {
        return switch (module) {
            case "__builtin__" -> "builtins";
            case "copy_reg" -> "copyreg";
            default -> module;
        };
    }

    /** The {@code module.name} spellings this entry accepts (storage types: see {@link StorageType}). */
    public List<String> names() {
        return names;
    }

    /** True when {@code module} (or the package it is in) is one of {@link #CODE_MODULES}. */
    static boolean runsCode(String module) {
        String m = python3Module(module);
        int dot = m.indexOf('.');
        return CODE_MODULES.contains(dot < 0 ? m : m.substring(0, dot));
    }

    /**
     * The whitelist entry for {@code module.name}, or null when the global is not allowed.
     * Python 2 module names that protocol 2 writes for Python 3 objects ({@code __builtin__},
     * {@code copy_reg}) are mapped as Python's own {@code fix_imports} does.
     */
    static PickleGlobal lookup(String module, String name) {
        String m = python3Module(module);
        if (m.equals("torch") && StorageType.byPythonName(name) != null) return STORAGE_TYPE;
        String q = m + "." + name;
        for (PickleGlobal g : values()) {
            if (g.names.contains(q)) return g;
        }
        return null;
    }
}
