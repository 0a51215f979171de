package dev.formwork.exporters.onnx;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.onnx.ModelProto;
import org.bytedeco.onnx.global.onnx;

/**
 * The official ONNX checker (onnx 1.17 C++, through JavaCPP's preset) with full_check, which
 * also runs strict shape and type inference: every node must type-check at the imported opset
 * and every declared shape (value_info, outputs) must agree with what ONNX infers.
 */
public final class OnnxChecker {
    private OnnxChecker() {}

    /** Throws with the checker's message when the model is not valid. */
    public static void check(byte[] model) {
        try (BytePointer bp = new BytePointer(model); ModelProto m = new ModelProto()) {
            if (!m.ParseFromArray(bp, model.length)) throw new AssertionError("onnx checker: model does not parse");
            try {
                onnx.check_model(m, true, false, false);
            } catch (RuntimeException e) {
                throw new AssertionError("onnx checker (full_check): " + e.getMessage(), e);
            }
        }
    }
}
