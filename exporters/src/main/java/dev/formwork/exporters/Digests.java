package dev.formwork.exporters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Sizes and SHA-256 of artifacts; a directory (.mlpackage) hashes its sorted relative paths and contents. */
public final class Digests {
    private Digests() {}

    public static String sha256(Path p) throws IOException {
        MessageDigest md = sha();
        if (Files.isDirectory(p)) {
            for (Path f : files(p)) {
                md.update(p.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                update(md, f);
            }
        } else {
            update(md, p);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    public static long size(Path p) throws IOException {
        if (!Files.isDirectory(p)) return Files.size(p);
        long n = 0;
        for (Path f : files(p)) n += Files.size(f);
        return n;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static void update(MessageDigest md, Path f) throws IOException {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
