package dev.formwork.exporters.coreml.testing;

import com.google.protobuf.ByteString;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.ArrayFeatureType;
import dev.formwork.proto.coreml.CoreMlFeatureTypesProto.FeatureType;
import dev.formwork.proto.coreml.CoreMlMilProto.Argument;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Dimension;
import dev.formwork.proto.coreml.CoreMlMilProto.Function;
import dev.formwork.proto.coreml.CoreMlMilProto.NamedValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlMilProto.Program;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorType;
import dev.formwork.proto.coreml.CoreMlMilProto.TensorValue;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.ValueType;
import dev.formwork.proto.coreml.CoreMlModelProto.FeatureDescription;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlModelProto.ModelDescription;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds tiny ML Programs by hand, from the MIL.proto schema and the blob-file layout of
 * formats.md §2.4 (test-only; independent of Formwork's writer).
 */
public final class MilModels {
    public final Block.Builder block = Block.newBuilder();
    public final Function.Builder fn = Function.newBuilder();
    public final ModelDescription.Builder desc = ModelDescription.newBuilder();
    public final ByteArrayOutputStream blobs = new ByteArrayOutputStream();
    public int blobCount;
    public int spec = 6;
    public String opset = "CoreML5";
    private int counter;

    public MilModels() {
        blobs.writeBytes(new byte[64]);
    }

    public static ValueType tensor(DataType dt, int... dims) {
        TensorType.Builder t = TensorType.newBuilder().setDataType(dt).setRank(dims.length);
        for (int d : dims) t.addDimensions(Dimension.newBuilder().setConstant(Dimension.ConstantDimension.newBuilder().setSize(d)));
        return ValueType.newBuilder().setTensorType(t).build();
    }

    public static Value str(String s) {
        return Value.newBuilder().setType(tensor(DataType.STRING))
                .setImmediateValue(Value.ImmediateValue.newBuilder().setTensor(TensorValue.newBuilder()
                        .setStrings(TensorValue.RepeatedStrings.newBuilder().addValues(s)))).build();
    }

    public MilModels input(String name, DataType dt, int... dims) {
        fn.addInputs(NamedValueType.newBuilder().setName(name).setType(tensor(dt, dims)));
        ArrayFeatureType.Builder a = ArrayFeatureType.newBuilder().setDataType(dt == DataType.FLOAT16
                ? ArrayFeatureType.ArrayDataType.FLOAT16 : ArrayFeatureType.ArrayDataType.FLOAT32);
        for (int d : dims) a.addShape(d);
        desc.addInput(FeatureDescription.newBuilder().setName(name).setType(FeatureType.newBuilder().setMultiArrayType(a)));
        return this;
    }

    public MilModels output(String name, DataType dt, int... dims) {
        block.addOutputs(name);
        ArrayFeatureType.Builder a = ArrayFeatureType.newBuilder().setDataType(dt == DataType.FLOAT16
                ? ArrayFeatureType.ArrayDataType.FLOAT16 : ArrayFeatureType.ArrayDataType.FLOAT32);
        for (int d : dims) a.addShape(d);
        desc.addOutput(FeatureDescription.newBuilder().setName(name).setType(FeatureType.newBuilder().setMultiArrayType(a)));
        return this;
    }

    /** A const with an immediate value; returns its output name. */
    public String constant(Value v) {
        String name = "c" + counter++;
        block.addOperations(Operation.newBuilder().setType("const").putAttributes("name", str(name)).putAttributes("val", v)
                .addOutputs(NamedValueType.newBuilder().setName(name).setType(v.getType())));
        return name;
    }

    public String floats(float[] data, int... dims) {
        return constant(Value.newBuilder().setType(tensor(DataType.FLOAT32, dims)).setImmediateValue(Value.ImmediateValue.newBuilder()
                .setTensor(TensorValue.newBuilder().setFloats(floatsOf(data)))).build());
    }

    public String ints(int... v) {
        TensorValue.RepeatedInts.Builder r = TensorValue.RepeatedInts.newBuilder();
        for (int x : v) r.addValues(x);
        return constant(Value.newBuilder().setType(tensor(DataType.INT32, v.length)).setImmediateValue(Value.ImmediateValue.newBuilder()
                .setTensor(TensorValue.newBuilder().setInts(r))).build());
    }

    public String scalarInt(int v) {
        return constant(Value.newBuilder().setType(tensor(DataType.INT32)).setImmediateValue(Value.ImmediateValue.newBuilder()
                .setTensor(TensorValue.newBuilder().setInts(TensorValue.RepeatedInts.newBuilder().addValues(v)))).build());
    }

    public String bool(boolean v) {
        return constant(Value.newBuilder().setType(tensor(DataType.BOOL)).setImmediateValue(Value.ImmediateValue.newBuilder()
                .setTensor(TensorValue.newBuilder().setBools(TensorValue.RepeatedBools.newBuilder().addValues(v)))).build());
    }

    public String string(String s) {
        return constant(str(s));
    }

    public String scalarFloat(float v) {
        return constant(Value.newBuilder().setType(tensor(DataType.FLOAT32)).setImmediateValue(Value.ImmediateValue.newBuilder()
                .setTensor(TensorValue.newBuilder().setFloats(floatsOf(new float[] {v})))).build());
    }

    /** An fp32 const stored in weight.bin; returns its output name. */
    public String blobFloats(float[] data, int... dims) {
        long offset = blobs.size();
        ByteBuffer meta = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        meta.putInt(0xDEADBEEF).putInt(2).putLong(4L * data.length).putLong(offset + 64);
        blobs.writeBytes(meta.array());
        ByteBuffer d = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) d.putFloat(f);
        blobs.writeBytes(d.array());
        while (blobs.size() % 64 != 0) blobs.write(0);
        blobCount++;
        return constant(Value.newBuilder().setType(tensor(DataType.FLOAT32, dims))
                .setBlobFileValue(Value.BlobFileValue.newBuilder().setFileName("@model_path/weights/weight.bin").setOffset(offset)).build());
    }

    /** Adds an op; {@code io} alternates parameter names and bound value names. Returns the output. */
    public String op(String type, ValueType outType, String... io) {
        String out = type + "_" + counter++;
        Operation.Builder b = Operation.newBuilder().setType(type).putAttributes("name", str(out))
                .addOutputs(NamedValueType.newBuilder().setName(out).setType(outType));
        for (int k = 0; k < io.length; k += 2) {
            Argument.Builder a = Argument.newBuilder();
            for (String n : io[k + 1].split(",")) a.addArguments(Argument.Binding.newBuilder().setName(n));
            b.putInputs(io[k], a.build());
        }
        block.addOperations(b);
        return out;
    }

    /** Renames the last op's (single) output, so that it can be a model output. */
    public void renameLast(String name) {
        int i = block.getOperationsCount() - 1;
        Operation.Builder b = block.getOperations(i).toBuilder();
        b.setOutputs(0, b.getOutputs(0).toBuilder().setName(name));
        block.setOperations(i, b);
    }

    public Model model() {
        fn.setOpset(opset).putBlockSpecializations(opset, block.build());
        return Model.newBuilder().setSpecificationVersion(spec).setDescription(desc)
                .setMlProgram(Program.newBuilder().setVersion(1).putFunctions("main", fn.build())).build();
    }

    public Path write(Path dir) throws IOException {
        Path pkg = dir.resolve("m.mlpackage");
        Path data = pkg.resolve("Data/com.apple.CoreML");
        Files.createDirectories(data.resolve("weights"));
        Files.write(data.resolve("model.mlmodel"), model().toByteArray());
        byte[] b = blobs.toByteArray();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, blobCount).putInt(4, 2);
        Files.write(data.resolve("weights/weight.bin"), b);
        Files.writeString(pkg.resolve("Manifest.json"), """
                {"fileFormatVersion": "1.0.0",
                 "itemInfoEntries": {
                  "A1111111-1111-1111-1111-111111111111": {"author": "com.apple.CoreML", "description": "CoreML Model Specification",
                     "name": "model.mlmodel", "path": "com.apple.CoreML/model.mlmodel"},
                  "B2222222-2222-2222-2222-222222222222": {"author": "com.apple.CoreML", "description": "CoreML Model Weights",
                     "name": "weights", "path": "com.apple.CoreML/weights"}},
                 "rootModelIdentifier": "A1111111-1111-1111-1111-111111111111"}
                """);
        return pkg;
    }

    public static TensorValue.RepeatedFloats floatsOf(float[] v) {
        TensorValue.RepeatedFloats.Builder r = TensorValue.RepeatedFloats.newBuilder();
        for (float x : v) r.addValues(x);
        return r.build();
    }

    public static ByteString unused() {
        return ByteString.EMPTY;
    }
}
