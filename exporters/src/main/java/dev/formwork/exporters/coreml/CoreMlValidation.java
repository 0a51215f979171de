package dev.formwork.exporters.coreml;

import dev.formwork.ir.FormworkException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;

/**
 * Runs the independent Core ML validator ({@code dev.formwork.exporters.coreml.validate}) on a
 * freshly written artifact. The validator is written apart from the writers on purpose, so that
 * a misreading of the format made in both directions does not cancel out.
 *
 * <p>TODO(validator): the validator package is being written concurrently; until its class
 * exists this call site is a no-op (looked up reflectively so the writers build without it).
 * Replace the lookup with a direct call {@code CoreMlValidator.validate(path)} once it lands.
 */
public final class CoreMlValidation {
    private static final String VALIDATOR = "dev.formwork.exporters.coreml.validate.CoreMlValidator";

    private CoreMlValidation() {}

    /** Whether the independent validator is on the class path. */
    public static boolean available() {
        return method() != null;
    }

    /** Throws the validator's FormworkException (listing violations) when {@code artifact} is invalid. */
    public static void validate(Path artifact) {
        Method m = method();
        if (m == null) return;
        try {
            m.invoke(null, artifact);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new FormworkException(artifact + ": Core ML validation failed: " + cause, cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Method method() {
        try {
            return Class.forName(VALIDATOR).getMethod("validate", Path.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return null;
        }
    }
}
