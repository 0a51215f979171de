package dev.formwork.ir;

/**
 * Bad input: an unreadable file, a wrong shape, an unknown key, an unsupported op.
 *
 * <p>The message is one line that names what is at fault (file, key, node or shape); the CLI
 * prints it and exits with code 2. Anything else that escapes is a bug.
 */
public class FormworkException extends RuntimeException {
    public FormworkException(String message) {
        super(message);
    }

    public FormworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
