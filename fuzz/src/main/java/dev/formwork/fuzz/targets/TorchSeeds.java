package dev.formwork.fuzz.targets;

import dev.formwork.frontends.weights.torch.StorageType;
import dev.formwork.frontends.weights.torch.TorchCheckpoint;
import dev.formwork.frontends.weights.torch.TorchSaveWriter;
import dev.formwork.frontends.weights.torch.TorchSaveWriter.Stored;
import dev.formwork.fuzz.Seeds;
import dev.formwork.ir.FormworkException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Seed checkpoints for the PyTorch targets: small state dicts written by {@link TorchSaveWriter}
 * in both layouts (one storage per element type the reader converts), and, inside the source
 * tree, the small committed torch.save fixtures (real torch pickles: protocol 2, training dicts
 * with placeholders) that load, so mutations start from what torch itself writes.
 */
final class TorchSeeds {
    /** Committed fixtures above this size (whole tiny models) would only slow each input down. */
    private static final long MAX_FIXTURE = 4096;

    private TorchSeeds() {}

    static Map<String, Stored> stateDict() {
        Map<String, Stored> sd = new LinkedHashMap<>();
        sd.put("stem.weight", stored(StorageType.FLOAT, new long[] {2, 3}, 4));
        sd.put("stem.bias", stored(StorageType.HALF, new long[] {3}, 2));
        sd.put("head.weight", stored(StorageType.BFLOAT16, new long[] {2, 2}, 2));
        sd.put("num_batches_tracked", stored(StorageType.LONG, new long[] {}, 8));
        sd.put("idx", stored(StorageType.INT, new long[] {2}, 4));
        return sd;
    }

    private static Stored stored(StorageType type, long[] shape, int elementSize) {
        int n = 1;
        for (long d : shape) n *= (int) d;
        ByteBuffer b = ByteBuffer.allocate(n * elementSize).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.capacity(); i++) b.put(i, (byte) (i % 2 == 0 ? 0x3c : i));
        return new Stored(type, shape, b);
    }

    /** The writer's zip files (flat and wrapped in "model"). */
    static List<Path> zips(Path work) throws IOException {
        Files.createDirectories(work);
        Path flat = work.resolve("flat.pth"), wrapped = work.resolve("wrapped.pth");
        if (!Files.exists(flat)) TorchSaveWriter.writeZip(flat, stateDict(), null);
        if (!Files.exists(wrapped)) TorchSaveWriter.writeZip(wrapped, stateDict(), "model");
        List<Path> r = new ArrayList<>(List.of(flat, wrapped));
        r.addAll(fixtures(false));
        return r;
    }

    /** The writer's legacy files and the legacy fixtures. */
    static List<Path> legacy(Path work) throws IOException {
        Files.createDirectories(work);
        Path flat = work.resolve("flat_legacy.pth"), wrapped = work.resolve("wrapped_legacy.pth");
        if (!Files.exists(flat)) TorchSaveWriter.writeLegacy(flat, stateDict(), null);
        if (!Files.exists(wrapped)) TorchSaveWriter.writeLegacy(wrapped, stateDict(), "state_dict");
        List<Path> r = new ArrayList<>(List.of(flat, wrapped));
        r.addAll(fixtures(true));
        return r;
    }

    /** Seeds must be valid: the payload and placeholder fixtures, which are refused, are left out. */
    private static boolean loads(Path p) {
        try {
            TorchCheckpoint.read(p);
            return true;
        } catch (FormworkException e) {
            return false;
        }
    }

    /** Small committed fixtures of one layout (legacy files start with a pickle's PROTO opcode), or none outside the source tree. */
    private static List<Path> fixtures(boolean legacy) throws IOException {
        Path td = Seeds.testdata();
        if (td == null) return List.of();
        Path dir = td.getParent().resolve("frontends/src/test/resources/torch");
        if (!Files.isDirectory(dir)) return List.of();
        List<Path> r = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (!(n.endsWith(".pt") || n.endsWith(".pth")) || Files.size(p) > MAX_FIXTURE) continue;
                byte[] head = Files.readAllBytes(p);
                if (((head[0] & 0xff) == 0x80) == legacy && loads(p)) r.add(p);
            }
        }
        return r;
    }
}
