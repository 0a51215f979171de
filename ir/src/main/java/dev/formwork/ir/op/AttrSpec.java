package dev.formwork.ir.op;

/** One declared attribute of an op: its name, kind, default (null = required) and meaning. */
public record AttrSpec(String name, AttrType type, Object defaultValue, String doc) {}
