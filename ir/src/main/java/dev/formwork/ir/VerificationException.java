package dev.formwork.ir;

/** A graph that breaks the IR's invariants; always a bug in whatever built or rewrote it. */
public class VerificationException extends RuntimeException {
    public VerificationException(String message) {
        super(message);
    }
}
