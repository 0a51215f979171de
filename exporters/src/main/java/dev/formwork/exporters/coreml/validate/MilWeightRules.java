package dev.formwork.exporters.coreml.validate;

import dev.formwork.ir.FormworkException;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorType;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorValue;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rules for constant values of an ML Program (formats.md §2.2–2.4, §6 rule 5; the blob layout
 * of {@code MILBlob/Blob/StorageFormat.hpp} and the checks of {@code StorageReader.cpp}):
 * immediate tensors use the field the MIL parser reads for their type and hold exactly
 * {@code prod(dims)} values; blob-file values name exactly {@code @model_path/weights/weight.bin};
 * the file has header version 2; the offset is 64-aligned, lies on the metadata chain and
 * points at a record with sentinel 0xDEADBEEF, the blob type of the const's MIL type,
 * {@code sizeInBytes = count x element size}, data right after the record and inside the file,
 * no padding bits for byte-sized types, and (from spec 9, iOS18, when they became defined)
 * zero reserved fields.
 */
final class MilWeightRules {
    static final String WEIGHT_FILE = "@model_path/weights/weight.bin";

    private final CoreMlArtifact artifact;
    private final int spec;
    private final List<String> out;
    private final Map<String, Set<Long>> chains = new HashMap<>();
    private final Set<String> badFiles = new HashSet<>();

    MilWeightRules(CoreMlArtifact artifact, int spec, List<String> out) {
        this.artifact = artifact;
        this.spec = spec;
        this.out = out;
    }

    void check(String who, Value v) {
        if (v.hasImmediateValue() && v.getImmediateValue().hasList()) return;
        if (!v.getType().hasTensorType()) {
            out.add(who + ": value has no tensor type");
            return;
        }
        TensorType t = v.getType().getTensorType();
        DataType dt = t.getDataType();
        long n = MilTypes.numel(t);
        if (t.getRank() != t.getDimensionsCount()) out.add(who + ": type rank " + t.getRank() + " but " + t.getDimensionsCount() + " dimensions");
        if (n < 0) {
            out.add(who + ": constant with an unknown dimension");
            return;
        }
        if (v.hasBlobFileValue()) {
            blob(who, v.getBlobFileValue(), dt, n);
        } else if (v.hasImmediateValue() && v.getImmediateValue().hasTensor()) {
            TensorValue tv = v.getImmediateValue().getTensor();
            TensorValue.ValueCase want = MilTypes.immediateField(dt);
            if (tv.getValueCase() != want) {
                out.add(who + ": " + MilTypes.name(dt) + " immediate value is stored in " + tv.getValueCase().name().toLowerCase()
                        + ", the MIL parser reads " + want.name().toLowerCase());
                return;
            }
            long got = switch (want) {
                case FLOATS -> tv.getFloats().getValuesCount();
                case INTS -> tv.getInts().getValuesCount();
                case LONGINTS -> tv.getLongInts().getValuesCount();
                case BOOLS -> tv.getBools().getValuesCount();
                case STRINGS -> tv.getStrings().getValuesCount();
                case DOUBLES -> tv.getDoubles().getValuesCount();
                default -> MilTypes.byteSize(dt) == 0 ? n : tv.getBytes().getValues().size() / MilTypes.byteSize(dt);
            };
            boolean bytesOk = want != TensorValue.ValueCase.BYTES || MilTypes.byteSize(dt) == 0
                    || tv.getBytes().getValues().size() % MilTypes.byteSize(dt) == 0;
            if (got != n || !bytesOk) out.add(who + ": " + MilTypes.describe(v.getType()) + " needs " + n + " values, the immediate value holds " + got);
        } else {
            out.add(who + ": value is neither an immediate tensor nor a blob file value");
        }
    }

    private void blob(String who, Value.BlobFileValue bf, DataType dt, long n) {
        if (!bf.getFileName().equals(WEIGHT_FILE)) {
            out.add(who + ": blob fileName '" + bf.getFileName() + "' must be exactly " + WEIGHT_FILE);
            if (!bf.getFileName().startsWith(CoreMlArtifact.MODEL_PATH_PREFIX)) return;
        }
        if (badFiles.contains(bf.getFileName())) return;
        MilBlobFile f;
        try {
            f = artifact.blobFile(bf.getFileName());
        } catch (FormworkException e) {
            badFiles.add(bf.getFileName());
            out.add(who + ": " + e.getMessage());
            return;
        }
        Set<Long> chain = chains.computeIfAbsent(bf.getFileName(), k -> new HashSet<>(f.chainOffsets()));
        long off = bf.getOffset();
        if (off % MilBlobFile.ALIGNMENT != 0) out.add(who + ": blob offset " + off + " is not 64-byte aligned");
        if (off + 64 > f.size()) {
            out.add(who + ": blob offset " + off + " is past the end of weight.bin (" + f.size() + " bytes)");
            return;
        }
        MilBlobFile.Metadata m = f.rawMetadata(off);
        if (m.sentinel() != MilBlobFile.SENTINEL) {
            out.add(who + String.format(": Invalid sentinel at blob offset %d (0x%08X, expected 0xDEADBEEF)", off, m.sentinel()));
            return;
        }
        if (!chain.contains(off)) out.add(who + ": blob offset " + off + " is not on the 64-aligned metadata chain of the " + f.count() + " blobs the header declares");
        int code = MilTypes.blobCode(dt);
        if (m.dtype() != code) {
            out.add(who + ": Metadata data type does not match requested type: blob stores type " + m.dtype()
                    + ", the const is " + MilTypes.name(dt) + " (blob type " + code + ")");
        }
        int size = MilTypes.byteSize(dt);
        if (size > 0 && m.sizeInBytes() != n * size) {
            out.add(who + ": blob sizeInBytes " + m.sizeInBytes() + " but " + MilTypes.name(dt) + " x " + n + " needs " + n * size + " bytes");
        }
        if (m.dataOffset() != off + 64) out.add(who + ": blob data offset " + m.dataOffset() + " does not follow its metadata (expected " + (off + 64) + ")");
        if (m.dataOffset() < 0 || m.dataOffset() + m.sizeInBytes() > f.size()) out.add(who + ": blob data runs past the end of weight.bin");
        if (size > 0 && m.paddingBits() != 0) out.add(who + ": padding_size_in_bits " + m.paddingBits() + " for a byte-sized type");
        if (spec >= 9) {
            for (long r : m.reserved()) {
                if (r != 0) {
                    out.add(who + ": blob metadata reserved fields must be zero from iOS18 (spec 9)");
                    break;
                }
            }
        }
    }
}
