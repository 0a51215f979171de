package dev.formwork.exporters.onnx;

import dev.formwork.ir.FormworkException;

/**
 * The opsets the ONNX exporter writes and the IR version each is stamped with.
 *
 * <p>The IR version is the one the ONNX release that introduced the opset shipped with (ONNX's
 * own version table, {@code onnx/helper.py VERSION_TABLE}): 1.8 opset 13 and 1.9 opset 14 are
 * IR 7; 1.10-1.13 (opsets 15-18) IR 8; 1.14/1.15 (19, 20) IR 9; 1.16/1.17 (21, 22) IR 10. Stamping
 * the oldest IR that can carry the opset keeps files loadable by the oldest runtime that knows
 * the opset.
 */
public final class OnnxOpsets {
    public static final int MIN = 13;
    public static final int MAX = 22;
    public static final int DEFAULT = 17;

    private OnnxOpsets() {}

    /** Throws a one-line FormworkException for an opset outside 13..22. */
    public static void check(int opset) {
        if (opset < MIN || opset > MAX) {
            throw new FormworkException("--opset " + opset + ": the onnx exporter writes opsets " + MIN + ".." + MAX);
        }
    }

    public static int irVersion(int opset) {
        check(opset);
        if (opset <= 14) return 7;
        if (opset <= 18) return 8;
        if (opset <= 20) return 9;
        return 10;
    }
}
