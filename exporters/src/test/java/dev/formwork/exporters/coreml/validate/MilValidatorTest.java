package dev.formwork.exporters.coreml.validate;

import dev.formwork.exporters.coreml.testing.MilModels;

import static dev.formwork.proto.coreml.CoreMlMilProto.DataType.FLOAT16;
import static dev.formwork.proto.coreml.CoreMlMilProto.DataType.FLOAT32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.ir.FormworkException;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ArrayFeatureType;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorValue;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One deliberately broken ML Program per load rule; the validator must name the violation. */
class MilValidatorTest {
    @TempDir
    Path tmp;
    int n;

    /** x [1,2,2,2] -> conv (blob weight [2,2,1,1]) -> relu -> y. */
    MilModels base(Consumer<MilModels> tweak) {
        MilModels m = new MilModels();
        tweak.accept(m);
        m.input("x", FLOAT32, 1, 2, 2, 2);
        String w = m.blobFloats(new float[] {1, 0, 0, 1}, 2, 2, 1, 1);
        String c = m.op("conv", MilModels.tensor(FLOAT32, 1, 2, 2, 2), "x", "x", "weight", w, "strides", m.ints(1, 1),
                "pad_type", m.string("valid"), "dilations", m.ints(1, 1), "groups", m.scalarInt(1));
        m.op("relu", MilModels.tensor(FLOAT32, 1, 2, 2, 2), "x", c);
        m.renameLast("y");
        m.output("y", FLOAT32, 1, 2, 2, 2);
        return m;
    }

    Path write(MilModels m) throws Exception {
        return m.write(Files.createDirectories(tmp.resolve("m" + n++)));
    }

    static void flags(Path p, String fragment) {
        List<String> v = CoreMlValidator.violations(p);
        assertTrue(v.stream().anyMatch(s -> s.contains(fragment)), "expected a violation containing '" + fragment + "', got " + v);
    }

    Path weightBin(Path pkg) {
        return pkg.resolve("Data/com.apple.CoreML/weights/weight.bin");
    }

    void patchInt(Path file, long at, int value) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at);
            f.write(new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)});
        }
    }

    Path rewrite(Path pkg, Consumer<Model.Builder> edit) throws Exception {
        Path f = pkg.resolve("Data/com.apple.CoreML/model.mlmodel");
        Model.Builder b = Model.parseFrom(Files.readAllBytes(f)).toBuilder();
        edit.accept(b);
        Files.write(f, b.build().toByteArray());
        return pkg;
    }

    @Test
    void theBaseModelIsClean() throws Exception {
        Path p = write(base(m -> { }));
        assertEquals(List.of(), CoreMlValidator.violations(p));
        CoreMlValidator.validate(p);
    }

    @Test
    void specAndOpsetRules() throws Exception {
        flags(write(base(m -> m.spec = 5)), "needs specificationVersion >= 6");
        flags(write(base(m -> m.opset = "CoreML6")), "must agree");
        Path p = rewrite(write(base(m -> { })), b -> {
            var f = b.getMlProgram().getFunctionsMap().get("main").toBuilder();
            var blk = f.getBlockSpecializationsMap().get("CoreML5");
            f.clearBlockSpecializations().putBlockSpecializations("CoreML6", blk);
            b.getMlProgramBuilder().putFunctions("main", f.build());
        });
        flags(p, "no block_specializations entry for its opset");
    }

    @Test
    void identifiersNamesAndOrder() throws Exception {
        MilModels bad = base(m -> { });
        bad.op("relu", MilModels.tensor(FLOAT32, 1, 2, 2, 2), "x", "x");
        bad.renameLast("2bad");
        flags(write(bad), "does not match [A-Za-z_]");
        MilModels reserved = base(m -> { });
        reserved.op("relu", MilModels.tensor(FLOAT32, 1, 2, 2, 2), "x", "x");
        reserved.renameLast("fp16");
        flags(write(reserved), "reserved word");
        MilModels order = base(m -> { });
        order.op("relu", MilModels.tensor(FLOAT32, 1, 2, 2, 2), "x", "later_value");
        flags(write(order), "topological order");
        Path dup = rewrite(write(base(m -> { })), b -> {
            var f = b.getMlProgram().getFunctionsMap().get("main").toBuilder();
            var blk = f.getBlockSpecializationsMap().get("CoreML5").toBuilder();
            var last = blk.getOperations(blk.getOperationsCount() - 1);
            blk.setOperations(blk.getOperationsCount() - 2, blk.getOperations(blk.getOperationsCount() - 2).toBuilder()
                    .putAttributes("name", last.getAttributesMap().get("name")));
            f.putBlockSpecializations("CoreML5", blk.build());
            b.getMlProgramBuilder().putFunctions("main", f.build());
        });
        flags(dup, "op name used twice");
    }

    @Test
    void parameterDtypes() throws Exception {
        MilModels m = new MilModels().input("x", FLOAT32, 1, 1, 2, 2);
        String h = m.constant(Value.newBuilder().setType(MilModels.tensor(FLOAT16, 1, 1, 1, 1)).setImmediateValue(
                Value.ImmediateValue.newBuilder().setTensor(TensorValue.newBuilder().setBytes(TensorValue.RepeatedBytes.newBuilder()
                        .setValues(com.google.protobuf.ByteString.copyFrom(new byte[] {0, 0x3c})))) ).build());
        String strides = m.floats(new float[] {1, 1}, 2);
        String c = m.op("conv", MilModels.tensor(FLOAT32, 1, 1, 2, 2), "x", "x", "weight", h, "strides", strides, "pad_type", m.scalarInt(0));
        m.op("avg_pool", MilModels.tensor(FLOAT32, 1, 1, 2, 2), "x", c, "pad_type", m.string("valid"), "exclude_padding", m.bool(true));
        m.renameLast("y");
        m.output("y", FLOAT32, 1, 1, 2, 2);
        Path p = write(m);
        flags(p, "'weight' is fp16 but x is fp32 (must match before iOS17)");
        flags(p, "'strides' must be int32");
        flags(p, "'pad_type' must be a string");
        flags(p, "required parameter 'kernel_sizes' is not bound");
        flags(p, "unknown parameter 'exclude_padding'");
    }

    /** x fp32 [1,1,2,2] -> cast to fp16 -> body(h) -> cast back -> y, at the given spec and opset. */
    Path fp16Program(int spec, String opset, java.util.function.BiFunction<MilModels, String, String> body) throws Exception {
        MilModels m = new MilModels();
        m.spec = spec;
        m.opset = opset;
        m.input("x", FLOAT32, 1, 1, 2, 2);
        String h = m.op("cast", MilModels.tensor(FLOAT16, 1, 1, 2, 2), "x", "x", "dtype", m.string("fp16"));
        String r = body.apply(m, h);
        m.op("cast", MilModels.tensor(FLOAT32, 1, 1, 2, 2), "x", r, "dtype", m.string("fp32"));
        m.renameLast("y");
        m.output("y", FLOAT32, 1, 1, 2, 2);
        return write(m);
    }

    @Test
    void importOpParameters() throws Exception {
        // max_pool has no exclude_padding_from_average (only avg_pool adds it to the Pooling parameters).
        Path pool = fp16Program(6, "CoreML5", (m, h) -> m.op("max_pool", MilModels.tensor(FLOAT16, 1, 1, 2, 2), "x", h,
                "kernel_sizes", m.ints(1, 1), "pad_type", m.string("valid"), "exclude_padding_from_average", m.bool(true)));
        flags(pool, "(max_pool): unknown parameter 'exclude_padding_from_average'");
        // sigmoid_hard: alpha and beta required; fp32 beside fp16 x only from iOS17.
        Path ios15 = fp16Program(6, "CoreML5", (m, h) -> m.op("sigmoid_hard", MilModels.tensor(FLOAT16, 1, 1, 2, 2), "x", h,
                "alpha", m.scalarFloat(0.25f)));
        flags(ios15, "required parameter 'beta' is not bound");
        flags(ios15, "parameter 'alpha' is fp32 but x is fp16 (must match before iOS17)");
        Path ios17 = fp16Program(8, "CoreML7", (m, h) -> m.op("sigmoid_hard", MilModels.tensor(FLOAT16, 1, 1, 2, 2), "x", h,
                "alpha", m.scalarFloat(0.25f), "beta", m.scalarFloat(0.5f)));
        assertEquals(List.of(), CoreMlValidator.violations(ios17));
        Path reduce = fp16Program(6, "CoreML5", (m, h) -> m.op("reduce_max", MilModels.tensor(FLOAT32, 1, 1, 2, 2), "x", h,
                "axes", m.ints(1), "keep_dims", m.bool(true)));
        flags(reduce, "output is declared fp32 but the op computes x's type fp16");
    }

    @Test
    void descriptionMustMatchTheProgram() throws Exception {
        Path p = rewrite(write(base(m -> { })), b -> b.getDescriptionBuilder().getInputBuilder(0).getTypeBuilder()
                .getMultiArrayTypeBuilder().setDataType(ArrayFeatureType.ArrayDataType.FLOAT16).setShape(1, 3));
        flags(p, "FLOAT16 multiarray needs specificationVersion >= 7");
        flags(p, "description shape");
        flags(p, "description dataType FLOAT16");
        Path q = rewrite(write(base(m -> { })), b -> b.getDescriptionBuilder().getOutputBuilder(0).setName("z"));
        flags(q, "description output 'z' is not a block output");
    }

    @Test
    void weightFileRules() throws Exception {
        Path v1 = write(base(m -> { }));
        patchInt(weightBin(v1), 4, 1);
        flags(v1, "version");
        Path sentinel = write(base(m -> { }));
        patchInt(weightBin(sentinel), 64, 0x12345678);
        flags(sentinel, "Invalid sentinel");
        Path dtype = write(base(m -> { }));
        patchInt(weightBin(dtype), 68, 1); // claims Float16
        flags(dtype, "Metadata data type does not match");
        Path size = write(base(m -> { }));
        patchInt(weightBin(size), 72, 4); // element count instead of bytes
        flags(size, "sizeInBytes 4");
        Path reserved = write(base(m -> { m.spec = 9; m.opset = "CoreML8"; }));
        patchInt(weightBin(reserved), 64 + 40, 7);
        flags(reserved, "reserved fields must be zero");
        Path name = rewrite(write(base(m -> { })), b -> {
            var f = b.getMlProgram().getFunctionsMap().get("main").toBuilder();
            var blk = f.getBlockSpecializationsMap().get("CoreML5").toBuilder();
            for (int k = 0; k < blk.getOperationsCount(); k++) {
                var op = blk.getOperations(k);
                Value val = op.getAttributesMap().get("val");
                if (val != null && val.hasBlobFileValue()) {
                    Value nv = val.toBuilder().setBlobFileValue(val.getBlobFileValue().toBuilder().setFileName("@model_path/weights/w.bin").setOffset(65)).build();
                    blk.setOperations(k, op.toBuilder().putAttributes("val", nv));
                }
            }
            f.putBlockSpecializations("CoreML5", blk.build());
            b.getMlProgramBuilder().putFunctions("main", f.build());
        });
        flags(name, "must be exactly @model_path/weights/weight.bin");
    }

    @Test
    void constRules() throws Exception {
        MilModels m = new MilModels().input("x", FLOAT32, 2);
        String bad = m.constant(Value.newBuilder().setType(MilModels.tensor(FLOAT32, 2)).setImmediateValue(Value.ImmediateValue.newBuilder()
                .setTensor(TensorValue.newBuilder().setInts(TensorValue.RepeatedInts.newBuilder().addValues(1).addValues(2)))).build());
        String few = m.floats(new float[] {1}, 2);
        m.op("add", MilModels.tensor(FLOAT32, 2), "x", bad, "y", few);
        m.op("frobnicate", MilModels.tensor(FLOAT32, 2), "x", "x");
        m.op("pixel_unshuffle", MilModels.tensor(FLOAT32, 1, 4, 1, 1), "x", "x", "downscale_factor", m.scalarInt(2));
        m.renameLast("y");
        m.output("y", FLOAT32, 2);
        Path p = write(m);
        flags(p, "the MIL parser reads floats");
        flags(p, "needs 2 values, the immediate value holds 1");
        flags(p, "no MIL opset defines op type 'frobnicate'");
        flags(p, "needs iOS16");
        flags(p, "'downscale_factor' must be uint32");
    }

    @Test
    void rankAboveFiveIsRejected() throws Exception {
        MilModels m = new MilModels().input("x", FLOAT32, 1, 1, 1, 1, 1, 2);
        m.op("relu", MilModels.tensor(FLOAT32, 1, 1, 1, 1, 1, 2), "x", "x");
        m.renameLast("y");
        m.output("y", FLOAT32, 1, 1, 1, 1, 1, 2);
        flags(write(m), "rank 6 > 5");
    }

    @Test
    void manifestRules() throws Exception {
        Path p = write(base(m -> { }));
        String json = Files.readString(p.resolve("Manifest.json"));
        Files.writeString(p.resolve("Manifest.json"), json.replace("\"1.0.0\"", "\"2.0.0\"").replace("com.apple.CoreML/weights\"", "com.apple.CoreML/nothing\""));
        flags(p, "newer than 1.0.0");
        flags(p, "does not exist");
        Files.writeString(p.resolve("Manifest.json"), json.replace("\"rootModelIdentifier\"", "\"root\""));
        flags(p, "rootModelIdentifier");
        Files.writeString(p.resolve("Manifest.json"), "{ not json");
        flags(p, "not valid JSON");
        FormworkException e = assertThrows(FormworkException.class, () -> CoreMlValidator.validate(p));
        assertTrue(e.getMessage().startsWith(p.toString()) && !e.getMessage().contains("\n"), e.getMessage());
    }
}
