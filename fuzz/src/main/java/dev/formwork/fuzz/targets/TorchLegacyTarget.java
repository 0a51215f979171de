package dev.formwork.fuzz.targets;

import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.Seeds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A legacy (non-zip) {@code .pth}: five pickles back to back (magic number, protocol, sys_info,
 * the object, the storage keys) and the raw storages with their element counts. There is no
 * checksum, so every mutation reaches the unpickler or the storage layout checks.
 */
public final class TorchLegacyTarget implements FuzzTarget {
    @Override
    public String name() {
        return "pth-legacy";
    }

    @Override
    public List<byte[]> seeds(Path work) throws IOException {
        return Seeds.read(TorchSeeds.legacy(work));
    }

    @Override
    public List<byte[]> tokens() {
        return TorchTokens.pickle();
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        return Files.write(dir.resolve("weights.pth"), input);
    }

    @Override
    public void read(Path file) {
        TorchZipTarget.readCheckpoint(file);
    }
}
