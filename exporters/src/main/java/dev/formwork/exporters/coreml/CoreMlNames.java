package dev.formwork.exporters.coreml;

import java.util.HashSet;
import java.util.Set;

/**
 * Hands out identifiers that Core ML accepts: {@code [A-Za-z_][A-Za-z0-9_@]*}, never one of
 * MIL's reserved type words, and unique within this registry. IR names such as
 * {@code stages.0.blocks.1:0} become {@code stages_0_blocks_1_0}; a clash gets {@code _1},
 * {@code _2}, ... in the order names are asked for, so the result depends only on the graph.
 */
public final class CoreMlNames {
    /** Words the MIL text/serialised form treats as types or literals (coremltools renames them too). */
    private static final Set<String> RESERVED = Set.of("any", "bool", "program", "func", "tensor", "list", "dict",
            "tuple", "true", "false", "string", "bf16", "fp16", "fp32", "fp64", "int8", "int16", "int32", "int64",
            "uint8", "uint16", "uint32", "uint64", "state");

    private final Set<String> used = new HashSet<>();

    /** A fresh identifier derived from {@code raw}. */
    public String unique(String raw) {
        String s = sanitize(raw);
        if (used.add(s)) return s;
        for (int i = 1; ; i++) {
            String c = s + "_" + i;
            if (used.add(c)) return c;
        }
    }

    /** Claims an exact identifier (already sanitised); false when it is taken. */
    public boolean claim(String name) {
        return used.add(name);
    }

    public boolean isUsed(String name) {
        return used.contains(name);
    }

    /** The valid identifier closest to {@code raw} (not made unique). */
    public static String sanitize(String raw) {
        StringBuilder b = new StringBuilder(raw.length() + 1);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '@';
            b.append(ok ? c : '_');
        }
        if (b.length() == 0 || !(Character.isLetter(b.charAt(0)) || b.charAt(0) == '_')) b.insert(0, '_');
        String s = b.toString();
        return RESERVED.contains(s) ? s + "_" : s;
    }
}
