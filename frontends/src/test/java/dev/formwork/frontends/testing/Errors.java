package dev.formwork.frontends.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.FormworkException;

/** Bad-input assertions: the contract is a FormworkException with a one-line message naming the culprit. */
public final class Errors {
    private Errors() {}

    /** Asserts a one-line FormworkException containing every fragment. */
    public static FormworkException fails(Runnable r, String... fragments) {
        FormworkException e = assertThrows(FormworkException.class, r::run);
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "multi-line message: " + m);
        for (String f : fragments) assertTrue(m.contains(f), "message lacks '" + f + "': " + m);
        return e;
    }
}
