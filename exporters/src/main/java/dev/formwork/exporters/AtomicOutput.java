package dev.formwork.exporters;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Writes an artifact under a temporary name beside its destination and renames it when
 * complete, so a failed run never leaves a partial artifact behind. The temporary name is hidden
 * ({@code .NAME.partial}); one left by a killed run is removed by the next run that writes into
 * the same folder ({@link #removeLeftovers}).
 */
public final class AtomicOutput {
    /** Writes into the given path (a file or a directory it creates). */
    public interface Writer {
        void write(Path temp) throws IOException;
    }

    private AtomicOutput() {}

    public static void write(Path destination, Writer writer) throws IOException {
        Path dir = destination.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + destination.getFileName() + ".partial");
        deleteRecursively(temp);
        boolean done = false;
        try {
            writer.write(temp);
            if (Files.isDirectory(destination)) deleteRecursively(destination);
            try {
                Files.move(temp, destination, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, destination, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) deleteRecursively(temp);
        }
    }

    /** Deletes the temporary files and folders a killed run left in {@code dir} (Formwork's own names only). */
    public static void removeLeftovers(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return;
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if ((n.startsWith(".") && n.endsWith(".partial")) || (n.startsWith(".formwork-probe") && n.endsWith(".tmp"))) {
                    deleteRecursively(p);
                }
            }
        }
    }

    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
