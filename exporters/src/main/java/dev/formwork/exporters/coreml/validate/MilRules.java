package dev.formwork.exporters.coreml.validate;

import dev.formwork.proto.coreml.CoreMlMilProto.Argument;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.Function;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlMilProto.Program;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ML Program structure rules (formats.md §2.2–2.3, §6): spec >= 6 and the opset agreeing with it
 * (CoreML5 <-> 6, CoreML6 <-> 7, CoreML7 <-> 8, CoreML8 <-> 9, CoreML9 <-> 10); Program.version 1;
 * a {@code main} function whose block_specializations has the key {@code opset}; identifiers
 * matching {@code [A-Za-z_][A-Za-z0-9_@]*} and not reserved words; every op with a unique
 * {@code name} attribute; every value defined once; ops topologically ordered; every op type
 * existing in the function's opset; const ops with no inputs, a {@code val} whose type equals the
 * output type; no tensor of rank > 5; block outputs defined. Parameter types are checked by
 * {@link MilParamRules}, the interface by {@link MilInterfaceRules}, constants by
 * {@link MilWeightRules}.
 */
final class MilRules {
    static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_@]*");

    private MilRules() {}

    static void check(CoreMlArtifact a, List<String> out) {
        Model m = a.model();
        int spec = m.getSpecificationVersion();
        if (spec > 0 && spec < 6) out.add("ML Program needs specificationVersion >= 6, model has " + spec);
        Program p = m.getMlProgram();
        if (p.getVersion() != 1) out.add("Program.version must be 1, is " + p.getVersion());
        Function main = p.getFunctionsMap().get("main");
        if (main == null) {
            out.add("ML Program has no function 'main'");
            return;
        }
        int ios = opsetIos(main.getOpset());
        if (ios < 0) {
            out.add("function 'main' has unknown opset '" + main.getOpset() + "' (CoreML5..CoreML9)");
        } else {
            int want = ios == 26 ? 10 : ios - 9;
            if (spec > 0 && spec != want) out.add("opset " + main.getOpset() + " goes with specificationVersion " + want + ", model has " + spec + " (they must agree)");
        }
        Block block = main.getBlockSpecializationsMap().get(main.getOpset());
        if (block == null) {
            out.add("function 'main' has no block_specializations entry for its opset '" + main.getOpset() + "' (keys "
                    + main.getBlockSpecializationsMap().keySet() + ")");
            return;
        }
        Map<String, ValueType> types = new HashMap<>();
        Map<String, Value> constVals = new HashMap<>();
        for (NamedValueType in : main.getInputsList()) {
            ident("function input", in.getName(), out);
            if (types.put(in.getName(), in.getType()) != null) out.add("function input '" + in.getName() + "' declared twice");
            if (!in.getType().hasTensorType()) out.add("function input '" + in.getName() + "' is not a tensor");
            else rank("function input '" + in.getName() + "'", in.getType(), out);
        }
        MilWeightRules weights = new MilWeightRules(a, spec, out);
        Set<String> opNames = new HashSet<>();
        for (Operation op : block.getOperationsList()) {
            String name = opName(op);
            String who = "op '" + (name == null ? "?" : name) + "' (" + op.getType() + ")";
            if (name == null) out.add("an op of type " + op.getType() + " has no scalar string 'name' attribute");
            else {
                ident("op name", name, out);
                if (!opNames.add(name)) out.add(who + ": op name used twice");
            }
            int first = MilOpCatalog.firstIos(op.getType());
            if (first < 0) out.add(who + ": no MIL opset defines op type '" + op.getType() + "'");
            else if (ios > 0 && first > ios) out.add(who + ": op type needs iOS" + first + ", the function's opset " + main.getOpset() + " is iOS" + ios);
            for (Map.Entry<String, Argument> e : op.getInputsMap().entrySet()) {
                for (Argument.Binding b : e.getValue().getArgumentsList()) {
                    if (b.hasValue()) weights.check(who + " input '" + e.getKey() + "'", b.getValue());
                    else if (!types.containsKey(b.getName())) {
                        out.add(who + ": input '" + e.getKey() + "' refers to '" + b.getName()
                                + "', which is not defined before this op (ops must be in topological order)");
                    }
                }
            }
            if (op.getType().equals("const")) constOp(op, who, weights, constVals, out);
            MilParamRules.check(op, who, ios, types, constVals, out);
            for (NamedValueType o : op.getOutputsList()) {
                ident("value name", o.getName(), out);
                if (types.put(o.getName(), o.getType()) != null) out.add(who + ": value '" + o.getName() + "' is defined twice");
                if (o.getType().hasTensorType()) rank(who + " output '" + o.getName() + "'", o.getType(), out);
            }
        }
        for (String o : block.getOutputsList()) {
            if (!types.containsKey(o)) out.add("block output '" + o + "' is not defined by any op or function input");
        }
        MilInterfaceRules.check(m, main, block, types, out);
    }

    private static void constOp(Operation op, String who, MilWeightRules weights, Map<String, Value> constVals, List<String> out) {
        if (op.getInputsCount() != 0) out.add(who + ": const ops take no inputs");
        Value val = op.getAttributesMap().get("val");
        if (val == null) {
            out.add(who + ": const op has no 'val' attribute");
            return;
        }
        if (op.getOutputsCount() != 1) {
            out.add(who + ": const op must have exactly one output");
            return;
        }
        if (!val.getType().equals(op.getOutputs(0).getType())) {
            out.add(who + ": val type " + MilTypes.describe(val.getType()) + " differs from the output type " + MilTypes.describe(op.getOutputs(0).getType()));
        }
        weights.check(who + " val", val);
        constVals.put(op.getOutputs(0).getName(), val);
    }

    static void rank(String who, ValueType t, List<String> out) {
        if (t.getTensorType().getRank() > 5 || t.getTensorType().getDimensionsCount() > 5) {
            out.add(who + " has rank " + Math.max(t.getTensorType().getRank(), t.getTensorType().getDimensionsCount()) + " > 5");
        }
    }

    static void ident(String what, String s, List<String> out) {
        if (!IDENT.matcher(s).matches()) out.add(what + " '" + s + "' does not match [A-Za-z_][A-Za-z0-9_@]*");
        else if (MilOpCatalog.RESERVED.contains(s)) out.add(what + " '" + s + "' is a reserved word");
    }

    /** iOS version of an opset (CoreML5 -> 15 ... CoreML8 -> 18, CoreML9 -> 26), -1 when unknown. */
    static int opsetIos(String opset) {
        return switch (opset) {
            case "CoreML5" -> 15;
            case "CoreML6" -> 16;
            case "CoreML7" -> 17;
            case "CoreML8" -> 18;
            case "CoreML9" -> 26;
            default -> -1;
        };
    }

    static String opName(Operation op) {
        Value n = op.getAttributesMap().get("name");
        if (n == null || !n.hasImmediateValue() || !n.getImmediateValue().hasTensor()) return null;
        var s = n.getImmediateValue().getTensor().getStrings();
        return s.getValuesCount() == 1 ? s.getValues(0) : null;
    }
}
