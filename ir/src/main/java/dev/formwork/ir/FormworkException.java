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

    /**
     * Text taken from an input file, made fit for the one error line: control characters escaped
     * (a name holding a newline must not split the line) and anything past 120 characters cut.
     */
    public static String shown(String fromFile) {
        return shown(fromFile, 120);
    }

    /** {@link #shown(String)} with a different length cap. */
    public static String shown(String fromFile, int max) {
        if (fromFile == null) return "null";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fromFile.length() && b.length() < max; i++) {
            char c = fromFile.charAt(i);
            if (c == '\n') b.append("\\n");
            else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') b.append(String.format(c < 0x100 ? "\\x%02x" : "\\u%04x", (int) c));
            else b.append(c);
        }
        if (b.length() >= max && fromFile.length() > max) b.append("...");
        return b.toString();
    }
}
