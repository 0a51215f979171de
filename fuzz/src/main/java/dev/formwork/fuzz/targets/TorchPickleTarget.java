package dev.formwork.fuzz.targets;

import dev.formwork.fuzz.FuzzTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The unpickler of zip checkpoints behind a valid zip: an input is a {@code data.pkl} behind a
 * one-byte tag choosing one of the seed archives, whose other entries (storages, version,
 * byteorder) are written unchanged around it with correct CRCs, so every mutation of the
 * pickle reaches the unpickler and then the storage reads.
 */
public final class TorchPickleTarget implements FuzzTarget {
    private final List<Map<String, byte[]>> templates = new ArrayList<>();

    @Override
    public String name() {
        return "pth-pickle";
    }

    @Override
    public synchronized List<byte[]> seeds(Path work) throws IOException {
        templates.clear();
        List<byte[]> seeds = new ArrayList<>();
        for (Path zip : TorchSeeds.zips(work)) {
            Map<String, byte[]> entries = new LinkedHashMap<>();
            try (ZipFile z = new ZipFile(zip.toFile())) {
                for (Enumeration<? extends ZipEntry> en = z.entries(); en.hasMoreElements(); ) {
                    ZipEntry e = en.nextElement();
                    entries.put(e.getName(), z.getInputStream(e).readAllBytes());
                }
            }
            String pkl = entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElse(null);
            if (pkl == null) continue;
            byte[] b = entries.get(pkl);
            byte[] tagged = new byte[b.length + 1];
            tagged[0] = (byte) templates.size();
            System.arraycopy(b, 0, tagged, 1, b.length);
            templates.add(entries);
            seeds.add(tagged);
        }
        return seeds;
    }

    @Override
    public List<byte[]> tokens() {
        return TorchTokens.pickle();
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        Path file = dir.resolve("weights.pth");
        Map<String, byte[]> entries = templates.get(input.length == 0 ? 0 : Math.floorMod(input[0], templates.size()));
        byte[] pkl = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zos = new ZipOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] b = e.getKey().endsWith("/data.pkl") ? pkl : e.getValue();
                ZipEntry ze = new ZipEntry(e.getKey());
                CRC32 crc = new CRC32();
                crc.update(b);
                ze.setMethod(ZipEntry.STORED);
                ze.setSize(b.length);
                ze.setCompressedSize(b.length);
                ze.setCrc(crc.getValue());
                zos.putNextEntry(ze);
                zos.write(b);
                zos.closeEntry();
            }
        }
        return file;
    }

    @Override
    public void read(Path file) {
        TorchZipTarget.readCheckpoint(file);
    }
}
