package dev.formwork.frontends.onnx;

import dev.formwork.frontends.onnx.OnnxFile.Model;
import dev.formwork.frontends.onnx.OnnxFile.Node;
import dev.formwork.frontends.onnx.OnnxFile.TensorData;
import dev.formwork.frontends.onnx.OnnxFile.ValueInfo;
import dev.formwork.ir.Attributes;
import dev.formwork.ir.DType;
import dev.formwork.ir.FormworkException;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.ir.interp.NdArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX ModelProto -> IR graph, static. Dynamic input dims are bound from {@link ImportOptions};
 * every value whose content is known at import (initializers, Constant, Shape and what is
 * computed from them) is kept as data and folded, so Shape / Gather / Concat chains become the
 * literal attributes of the IR's Reshape, Slice and Split, and no shape op reaches the IR.
 *
 * <p>Initializers are not copied: they stay views of the mapped model file until an IR node
 * uses them as a constant. Names are kept: IR values take their ONNX value's name, and every
 * error names the ONNX node, its op type and the opset.
 */
public final class OnnxImporter {
    /** The lowest and highest default-domain opset and IR version whose op semantics the importer implements. */
    public static final int MIN_OPSET = 11, MAX_OPSET = 25, MIN_IR = 6, MAX_IR = 13;

    /**
     * What an ONNX value is during import: an IR value, known data, or an initializer's tensor
     * (kept as the file's bytes until something needs it as an IR constant or as data).
     */
    static final class Sym {
        Value value;
        NdArray known;
        Tensor tensor;
        final DType dtype;
        final Shape shape;

        Sym(Value value) {
            this.value = value;
            this.dtype = value.dtype();
            this.shape = value.shape();
        }

        Sym(NdArray known, DType dtype) {
            this.known = known;
            this.dtype = dtype;
            this.shape = known.shapeObj();
        }

        Sym(Tensor tensor) {
            this.tensor = tensor;
            this.dtype = tensor.dtype() == DType.INT32 ? DType.INT64 : tensor.dtype() == DType.FLOAT16 ? DType.FLOAT32 : tensor.dtype();
            this.shape = tensor.shape();
        }

        boolean isKnown() {
            return known != null || tensor != null || (value != null && value.isConstant());
        }

        /** The data, converted on first use (an initializer stays a view until then). */
        NdArray data() {
            if (known == null && tensor != null) known = NdArray.fromTensor(tensor);
            if (known == null && value != null && value.isConstant()) known = NdArray.fromTensor(value.constant());
            return known;
        }
    }

    final Model model;
    final Graph g;
    final long opset;
    private final ImportOptions options;
    private final Map<String, Sym> syms = new HashMap<>();
    private final Map<String, TensorData> lazyInits = new HashMap<>();
    Node current;

    private OnnxImporter(Model model, ImportOptions options, String graphName) {
        this.model = model;
        this.options = options;
        this.opset = model.defaultOpset();
        this.g = new Graph(graphName);
    }

    /** Imports a read model into an IR graph named {@code graphName}. */
    public static Graph importGraph(Model model, ImportOptions options, String graphName) {
        OnnxImporter im = new OnnxImporter(model, options, graphName);
        try {
            im.run();
        } catch (FormworkException e) {
            throw oneLine(e);
        }
        return im.g;
    }

    /** Reads and imports {@code file}; the graph is named after the file stem. */
    public static Graph importFile(Path file, ImportOptions options) {
        String stem = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        return importGraph(OnnxWireReader.read(file), options, stem);
    }

    /**
     * Everything that blocks importing {@code model}: every unsupported op or attribute, one line
     * each, then (if those allow it) the first error a full import meets. Empty = importable.
     */
    public static List<String> problems(Model model, ImportOptions options) {
        List<String> out = new ArrayList<>(OnnxSupport.check(model));
        if (out.isEmpty()) {
            try {
                importGraph(model, options, "check");
            } catch (FormworkException e) {
                out.add(e.getMessage());
            }
        }
        // each problem is printed as one line of inspect's listing
        for (int i = 0; i < out.size(); i++) out.set(i, oneLine(new FormworkException(out.get(i))).getMessage());
        return out;
    }

    private String where() {
        return model.file().toString();
    }

    private void run() {
        if (model.irVersion() < MIN_IR || model.irVersion() > MAX_IR) {
            throw new FormworkException(where() + ": IR version " + model.irVersion() + " is outside the supported " + MIN_IR + ".." + MAX_IR);
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new FormworkException(where() + ": default-domain opset " + (opset == 0 ? "missing" : String.valueOf(opset))
                    + "; supported: " + MIN_OPSET + ".." + MAX_OPSET);
        }
        if (model.graph().outputs().isEmpty()) throw new FormworkException(where() + ": the graph has no outputs");
        OnnxGraphRules.check(model);
        List<String> blocking = OnnxSupport.check(model);
        if (!blocking.isEmpty()) throw new FormworkException(blocking.get(0));
        g.metadata().put("source_format", "onnx");
        if (!model.producer().isEmpty()) g.metadata().put("source_producer", model.producer());
        Path dir = model.file().toAbsolutePath().getParent();
        for (TensorData t : model.graph().initializers()) lazyInits.put(t.name(), t);
        for (ValueInfo in : model.graph().inputs()) {
            if (lazyInits.containsKey(in.name())) continue; // an initializer listed as an input (IR < 4 style)
            NdArray frozen = options.frozenInputs().get(in.name());
            if (frozen != null) {
                syms.put(in.name(), new Sym(frozen, inputType(in)));
                continue;
            }
            syms.put(in.name(), new Sym(g.addInput(in.name(), new ValueType(inputType(in), inputShape(in)))));
        }
        for (int i = 0; i < model.graph().nodes().size(); i++) {
            Node n = model.graph().nodes().get(i);
            current = n;
            int before = g.nodeCount();
            try {
                OnnxOps.importNode(this, n);
                foldIfConstant(n, before);
            } catch (FormworkException e) {
                String msg = e.getMessage();
                throw new FormworkException(where() + ": " + nodeLabel(n) + ": " + msg.replaceFirst("^node \\S+ \\(\\w+\\): ", ""));
            } catch (RuntimeException e) {
                // A hostile file can give an op attributes or constants no exporter writes (an int
                // attribute past 2^31, an axis far out of range, shapes that do not fit); whatever
                // check of the op's own code that trips, the file is what is wrong.
                throw new FormworkException(where() + ": " + nodeLabel(n) + ": attributes or inputs out of range ("
                        + describe(e) + ")");
            }
        }
        for (ValueInfo out : model.graph().outputs()) {
            Sym s = syms.get(out.name());
            if (s == null) throw new FormworkException(where() + ": graph output " + out.name() + " is not produced by any node");
            Value v = value(s, out.name());
            // an input or a float constant returned as is gets a node (an int64 constant, e.g. a Shape result, stays data)
            if (v.producer() == null && v.dtype().isFloat()) v = g.apply("Identity", out.name(), v);
            g.addOutput(v);
        }
        g.removeUnusedConstants();
    }

    /** The error with the control characters of names taken from the file (a newline in a node name) escaped. */
    static FormworkException oneLine(FormworkException e) {
        String m = e.getMessage();
        if (m == null || m.chars().noneMatch(c -> c < 0x20 || c == 0x2028 || c == 0x2029)) return e;
        return new FormworkException(FormworkException.shown(m, 4000));
    }

    /** An unexpected exception in words, on one line and without a raw class name. */
    private static String describe(RuntimeException e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? e.getClass().getSimpleName() : FormworkException.shown(m)).replace('\n', ' ');
    }

    String nodeLabel(Node n) {
        return "node " + (n.name().isEmpty() ? n.outputs().isEmpty() ? "?" : n.outputs().get(0) : n.name()) + " (" + n.opType()
                + ", opset " + opset + ")";
    }

    FormworkException error(String message) {
        return new FormworkException(message);
    }

    private DType inputType(ValueInfo in) {
        DType d = OnnxTensors.irType(in.elemType());
        if (d == null || (d == DType.FLOAT16)) {
            throw new FormworkException(where() + ": input " + in.name() + " has element type " + OnnxTensors.typeName(in.elemType())
                    + "; Formwork imports float32 and int64 inputs");
        }
        return d;
    }

    /** Input dims with the dynamic ones bound: dim 0 by the batch, dims 2 and 3 of an image (rank 4) by the image size. */
    private Shape inputShape(ValueInfo in) {
        if (in.dims() == null) throw new FormworkException(where() + ": input " + in.name() + " has no shape");
        int rank = in.dims().size();
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            Object dim = in.dims().get(i);
            if (dim instanceof Long l && l > Integer.MAX_VALUE) {
                throw new FormworkException(where() + ": input " + FormworkException.shown(in.name()) + ": dim " + i + " is " + l
                        + ", larger than 2^31 - 1");
            }
            if (dim instanceof Long l && l > 0) {
                d[i] = (int) (long) l;
                if (rank == 4 && i >= 2 && options.imageSize() != null && options.imageSize() != d[i]) {
                    throw new FormworkException(where() + ": input " + in.name() + ": dim " + i + " is fixed at " + d[i]
                            + " in the file; an image size of " + options.imageSize() + " needs a model exported with dynamic height and width");
                }
                continue;
            }
            String label = dim instanceof String s && !s.isEmpty() ? " (" + s + ")" : "";
            if (i == 0 && options.batch() != null) {
                d[i] = options.batch();
            } else if (rank == 4 && i >= 2 && options.imageSize() != null) {
                d[i] = options.imageSize();
            } else {
                String hint = i == 0 ? "--batch" : rank == 4 && i >= 2 ? "--image-size" : "a model with this dim fixed";
                throw new FormworkException(where() + ": input " + in.name() + ": dim " + i + label + " is dynamic; bind it with " + hint);
            }
        }
        long numel = 1;
        for (int x : d) numel *= x; // at most 2^31 per dim, so the product overflows only past 2^31 * rank
        if (numel > Integer.MAX_VALUE || numel < 0) {
            throw new FormworkException(where() + ": input " + FormworkException.shown(in.name()) + ": shape " + java.util.Arrays.toString(d)
                    + " has more than 2^31 - 1 elements");
        }
        return Shape.of(d);
    }

    // ------------------------------------------------------------------ values

    /** The import-time view of ONNX value {@code name} (an initializer is wrapped on first use). */
    Sym sym(String name) {
        Sym s = syms.get(name);
        if (s != null) return s;
        TensorData t = lazyInits.get(name);
        if (t == null) throw error("input " + name + " is not produced by any earlier node, initializer or graph input");
        s = new Sym(OnnxTensors.toTensor(t, model.file().toAbsolutePath().getParent(), where()));
        syms.put(name, s);
        return s;
    }

    /** The IR value of a sym, materialising known data as an IR constant named {@code name} (an initializer's bytes are not copied). */
    Value value(Sym s, String name) {
        if (s.value == null) {
            Tensor t = s.tensor != null && (s.tensor.dtype() == DType.FLOAT32 || s.tensor.dtype() == DType.INT64) ? s.tensor : s.data().toTensor();
            s.value = g.addConstant(name, t);
        }
        return s.value;
    }

    /** The IR value of ONNX input {@code i} of the current node. */
    Value in(int i) {
        String name = current.input(i);
        if (name == null) throw error("input " + i + " is required");
        return value(sym(name), name);
    }

    boolean has(int i) {
        return current.input(i) != null;
    }

    Sym inSym(int i) {
        String name = current.input(i);
        if (name == null) throw error("input " + i + " is required");
        return sym(name);
    }

    /** Known data of input {@code i}; the node's error when it is computed at run time. */
    NdArray known(int i, String what) {
        Sym s = inSym(i);
        if (!s.isKnown()) throw error(what + " (input " + i + ", " + current.input(i) + ") must be a constant; it is computed at run time");
        return s.data();
    }

    NdArray knownOrNull(int i) {
        if (!has(i)) return null;
        Sym s = inSym(i);
        return s.isKnown() ? s.data() : null;
    }

    Shape shape(int i) {
        return inSym(i).shape;
    }

    DType dtype(int i) {
        return inSym(i).dtype;
    }

    /** Binds ONNX output {@code i} of the current node to an IR value. */
    void out(int i, Value v) {
        if (i < current.outputs().size() && !current.outputs().get(i).isEmpty()) syms.put(current.outputs().get(i), new Sym(v));
    }

    /** Binds ONNX output {@code i} of the current node to known data. */
    void outKnown(int i, NdArray a, DType dtype) {
        if (i < current.outputs().size() && !current.outputs().get(i).isEmpty()) syms.put(current.outputs().get(i), new Sym(a, dtype));
    }

    /** Binds output {@code i} to an existing sym (Identity-like ops). */
    void alias(int i, Sym s) {
        if (i < current.outputs().size() && !current.outputs().get(i).isEmpty()) syms.put(current.outputs().get(i), s);
    }

    boolean outputUsed(int i) {
        return i < current.outputs().size() && !current.outputs().get(i).isEmpty();
    }

    /** The IR name for the current node's main result: its first ONNX output's name. */
    String name() {
        return current.outputs().isEmpty() ? current.opType() : current.outputs().get(0);
    }

    Value apply(String op, String name, Attributes a, Value... ins) {
        return g.apply(op, name, a, ins);
    }

    Value scalar(float v, String name) {
        return g.addConstant(g.uniqueValueName(name), Tensor.scalar(v));
    }

    Value constant(NdArray a, String name) {
        return g.addConstant(g.uniqueValueName(name), a.toTensor());
    }

    // ------------------------------------------------------------------ folding

    /**
     * When every input of the ONNX node was known, the IR nodes it became are evaluated now with
     * their own reference kernels and dropped: the outputs are known data from here on.
     */
    private void foldIfConstant(Node n, int before) {
        List<dev.formwork.ir.Node> created = new ArrayList<>(g.nodes().subList(before, g.nodeCount()));
        if (created.isEmpty()) return;
        for (int i = 0; i < n.inputs().size(); i++) {
            if (n.input(i) == null) continue;
            if (!sym(n.input(i)).isKnown()) return;
        }
        IdentityHashMap<Value, NdArray> vals = new IdentityHashMap<>();
        for (dev.formwork.ir.Node node : created) {
            NdArray[] ins = new NdArray[node.inputCount()];
            for (int i = 0; i < ins.length; i++) {
                Value v = node.input(i);
                ins[i] = vals.containsKey(v) ? vals.get(v) : v.isConstant() ? NdArray.fromTensor(v.constant()) : null;
                if (ins[i] == null) return; // consumes something not known: keep the nodes
            }
            NdArray[] outs = node.op().compute(node, ins);
            for (int i = 0; i < outs.length; i++) vals.put(node.output(i), outs[i]);
        }
        for (int i = 0; i < n.outputs().size(); i++) {
            Sym s = syms.get(n.outputs().get(i));
            if (s == null || s.value == null || !vals.containsKey(s.value)) continue;
            syms.put(n.outputs().get(i), new Sym(vals.get(s.value), s.dtype));
        }
        for (int i = created.size() - 1; i >= 0; i--) {
            dev.formwork.ir.Node node = created.get(i);
            boolean used = false;
            for (Value v : node.outputs()) used |= !v.users().isEmpty();
            if (!used) g.remove(node);
        }
    }
}
