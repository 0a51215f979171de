package dev.formwork.ir.op;

/** Attribute kinds; integers are stored as long, floats as double. */
public enum AttrType {
    INT, INTS, FLOAT, FLOATS, STRING, TENSOR
}
