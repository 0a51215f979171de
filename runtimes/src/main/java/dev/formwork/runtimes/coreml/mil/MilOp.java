package dev.formwork.runtimes.coreml.mil;

/** The semantics of one MIL op type: computes the op's outputs from its context. */
@FunctionalInterface
interface MilOp {
    MilValue[] run(MilOpContext c);
}
