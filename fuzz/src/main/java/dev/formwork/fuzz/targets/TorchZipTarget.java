package dev.formwork.fuzz.targets;

import dev.formwork.frontends.weights.torch.TorchCheckpoint;
import dev.formwork.fuzz.FuzzTarget;
import dev.formwork.fuzz.Seeds;
import dev.formwork.ir.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A zip {@code .pth} (torch 1.6 and later) as a whole file: the central directory, zip64 records
 * and extra fields, local headers, the entries' sizes, CRCs and methods, then the unpickler and
 * the storage views. Mutations inside {@code data.pkl} mostly stop at its CRC; {@link TorchPickleTarget}
 * reaches the unpickler behind a valid zip.
 */
public final class TorchZipTarget implements FuzzTarget {
    @Override
    public String name() {
        return "pth";
    }

    @Override
    public List<byte[]> seeds(Path work) throws IOException {
        return Seeds.read(TorchSeeds.zips(work));
    }

    @Override
    public List<byte[]> tokens() {
        return TorchTokens.all();
    }

    @Override
    public Path materialize(byte[] input, Path dir) throws IOException {
        return Files.write(dir.resolve("weights.pth"), input);
    }

    @Override
    public void read(Path file) {
        readCheckpoint(file);
    }

    /** Reads a checkpoint the way convert does, touching every tensor's first and last element. */
    static void readCheckpoint(Path file) {
        TorchCheckpoint c = TorchCheckpoint.read(file);
        for (Tensor t : c.tensors().values()) {
            if (t.numel() > 0) {
                t.getFloat(0);
                t.getFloat(t.numel() - 1);
            }
        }
        c.topLevelKeys();
    }
}
