package dev.formwork.exporters;

import dev.formwork.ir.FormworkException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A path named inside a file (ONNX external data, an .mlpackage item, a Core ML weight blob),
 * resolved against the folder it must stay in. Judged by its text alone, before anything is
 * opened: absolute paths, drive letters, {@code ..} segments and NUL bytes are refused, so a
 * hostile file cannot make a reader open {@code /etc/passwd} or a FIFO elsewhere.
 */
public final class ContainedPath {
    private ContainedPath() {}

    /** {@code relative} resolved inside {@code dir}; {@code what} starts the error line. */
    public static Path resolve(Path dir, String relative, String what) {
        String shown = FormworkException.shown(relative);
        if (relative.isEmpty()) throw new FormworkException(what + ": empty path");
        if (relative.indexOf('\0') >= 0) throw new FormworkException(what + ": path '" + shown + "' contains a NUL byte");
        String l = relative.replace('\\', '/');
        if (l.startsWith("/") || (l.length() > 1 && l.charAt(1) == ':')) {
            throw new FormworkException(what + ": path '" + shown + "' is absolute; it must be relative to " + dir.getFileName());
        }
        for (String part : l.split("/")) {
            if (part.equals("..")) throw new FormworkException(what + ": path '" + shown + "' leaves " + dir.getFileName());
        }
        Path base = dir.toAbsolutePath().normalize();
        Path target;
        try {
            target = base.resolve(l).normalize();
        } catch (InvalidPathException e) {
            throw new FormworkException(what + ": path '" + shown + "' is not a valid path");
        }
        if (!target.startsWith(base) || target.equals(base)) {
            throw new FormworkException(what + ": path '" + shown + "' leaves " + dir.getFileName());
        }
        return target;
    }
}
