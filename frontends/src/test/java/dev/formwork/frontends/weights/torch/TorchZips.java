package dev.formwork.frontends.weights.torch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Test helper: the committed fixtures, and broken variants of them rewritten with java.util.zip (never committed). */
final class TorchZips {
    private TorchZips() {}

    /** A fixture from src/test/resources/torch. */
    static Path fixture(String name) {
        try {
            return Path.of(TorchZips.class.getResource("/torch/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("fixture torch/" + name + " not on the test classpath", e);
        }
    }

    /** All entries of a zip, in order. */
    static Map<String, byte[]> entries(Path zip) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                out.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Writes entries STORED (as torch does, though unaligned) or DEFLATED. */
    static Path write(Path file, Map<String, byte[]> entries, boolean deflate) {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zos = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry ze = new ZipEntry(e.getKey());
                byte[] b = e.getValue();
                if (deflate) {
                    ze.setMethod(ZipEntry.DEFLATED);
                } else {
                    CRC32 crc = new CRC32();
                    crc.update(b);
                    ze.setMethod(ZipEntry.STORED);
                    ze.setSize(b.length);
                    ze.setCompressedSize(b.length);
                    ze.setCrc(crc.getValue());
                }
                zos.putNextEntry(ze);
                zos.write(b);
                zos.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** The entries with every name's first folder renamed (torch 2.x writes "archive/"). */
    static Map<String, byte[]> rePrefix(Map<String, byte[]> entries, String folder) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        entries.forEach((k, v) -> out.put(folder + k.substring(k.indexOf('/')), v));
        return out;
    }
}
