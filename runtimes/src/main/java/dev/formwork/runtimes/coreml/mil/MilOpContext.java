package dev.formwork.runtimes.coreml.mil;

import dev.formwork.exporters.coreml.validate.CoreMlArtifact;
import dev.formwork.ir.FormworkException;
import dev.formwork.proto.coreml.CoreMlMilProto.Argument;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an op implementation sees: its bound inputs (by parameter name, resolved against the
 * values computed so far or decoded from inline values), the opset's iOS version, and a way to
 * fail with a message naming the op. Defaults for optional parameters belong to each op
 * implementation (from the op definitions in coremltools {@code ops/defs/iOS15..iOS17}).
 */
final class MilOpContext {
    private final Operation op;
    private final String name;
    private final Map<String, MilValue> env;
    private final int ios;
    private final CoreMlArtifact artifact;
    private final java.util.Set<String> constNames;

    MilOpContext(Operation op, String name, Map<String, MilValue> env, int ios, CoreMlArtifact artifact,
                 java.util.Set<String> constNames) {
        this.op = op;
        this.name = name;
        this.env = env;
        this.ios = ios;
        this.artifact = artifact;
        this.constNames = constNames;
    }

    /** Whether a parameter is bound to a const op's output or an inline value. */
    boolean isConst(String param) {
        Argument a = op.getInputsMap().get(param);
        if (a == null || a.getArgumentsCount() != 1) return false;
        Argument.Binding b = a.getArguments(0);
        return b.hasValue() || constNames.contains(b.getName());
    }

    String type() {
        return op.getType();
    }

    /** The iOS version of the function's opset (15 for CoreML5, 16 for CoreML6, ...). */
    int ios() {
        return ios;
    }

    boolean has(String param) {
        Argument a = op.getInputsMap().get(param);
        return a != null && a.getArgumentsCount() > 0;
    }

    /** The single value bound to a required parameter. */
    MilValue in(String param) {
        MilValue v = opt(param);
        if (v == null) throw fail("required input '" + param + "' is not bound");
        return v;
    }

    /** The single value bound to an optional parameter, or null. */
    MilValue opt(String param) {
        Argument a = op.getInputsMap().get(param);
        if (a == null || a.getArgumentsCount() == 0) return null;
        if (a.getArgumentsCount() != 1) throw fail("input '" + param + "' has " + a.getArgumentsCount() + " bindings, expected 1");
        return resolve(param, a.getArguments(0));
    }

    /** All values bound to a tuple parameter (concat's {@code values}). */
    List<MilValue> tuple(String param) {
        Argument a = op.getInputsMap().get(param);
        if (a == null || a.getArgumentsCount() == 0) throw fail("required input '" + param + "' is not bound");
        List<MilValue> out = new ArrayList<>();
        for (Argument.Binding b : a.getArgumentsList()) out.add(resolve(param, b));
        return out;
    }

    private MilValue resolve(String param, Argument.Binding b) {
        if (b.hasValue()) return MilConsts.decode(b.getValue(), artifact, where() + " input '" + param + "'");
        MilValue v = env.get(b.getName());
        if (v == null) {
            throw fail("input '" + param + "' refers to '" + b.getName() + "', which no earlier op or function input defines");
        }
        return v;
    }

    int intParam(String param, int dflt) {
        MilValue v = opt(param);
        if (v == null) return dflt;
        if (v.size() != 1) throw fail("'" + param + "' must be a scalar, got " + v.describe());
        return (int) v.longs()[0];
    }

    int[] intsParam(String param, int[] dflt) {
        MilValue v = opt(param);
        if (v == null) return dflt;
        long[] l = v.longs();
        int[] r = new int[l.length];
        for (int k = 0; k < r.length; k++) r[k] = Math.toIntExact(l[k]);
        return r;
    }

    float floatParam(String param, float dflt) {
        MilValue v = opt(param);
        if (v == null) return dflt;
        if (v.size() != 1) throw fail("'" + param + "' must be a scalar, got " + v.describe());
        return v.floats()[0];
    }

    boolean boolParam(String param, boolean dflt) {
        MilValue v = opt(param);
        if (v == null) return dflt;
        if (v.dtype() != DataType.BOOL || v.size() != 1) throw fail("'" + param + "' must be a bool scalar, got " + v.describe());
        return v.longs()[0] != 0;
    }

    boolean[] boolsParam(String param, int rank) {
        MilValue v = opt(param);
        boolean[] r = new boolean[rank];
        if (v == null) return r;
        if (v.size() != rank) throw fail("'" + param + "' needs " + rank + " values, got " + v.describe());
        for (int k = 0; k < rank; k++) r[k] = v.longs()[k] != 0;
        return r;
    }

    String strParam(String param, String dflt) {
        MilValue v = opt(param);
        if (v == null) return dflt;
        if (v.dtype() != DataType.STRING || v.size() != 1) throw fail("'" + param + "' must be a string scalar, got " + v.describe());
        return v.strings()[0];
    }

    /** Normalises an axis against a rank, failing when out of {@code [-rank, rank)}. */
    int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw fail("axis " + axis + " out of range for rank " + rank);
        return a;
    }

    String where() {
        return "op '" + name + "' (" + op.getType() + ")";
    }

    FormworkException fail(String msg) {
        return new FormworkException(artifact.source() + ": " + where() + ": " + msg);
    }
}
