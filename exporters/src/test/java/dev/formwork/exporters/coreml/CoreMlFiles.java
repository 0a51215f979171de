package dev.formwork.exporters.coreml;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Graph;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlMilProto.Value;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Test helpers: write artifacts and read them back with the generated protobuf classes. */
final class CoreMlFiles {
    private CoreMlFiles() {}

    static Path mlpackage(Graph g, ExportOptions o, Path dir) throws IOException {
        Path p = dir.resolve(o.name() + ".mlpackage");
        new MlProgramExporter().write(g, o, p);
        return p;
    }

    static Path mlmodel(Graph g, ExportOptions o, Path dir) throws IOException {
        Path p = dir.resolve(o.name() + ".mlmodel");
        new NeuralNetworkExporter().write(g, o, p);
        return p;
    }

    static Model model(Path pkgOrFile) throws IOException {
        Path f = Files.isDirectory(pkgOrFile) ? pkgOrFile.resolve("Data/com.apple.CoreML/model.mlmodel") : pkgOrFile;
        return Model.parseFrom(Files.readAllBytes(f));
    }

    static Block main(Model m) {
        var f = m.getMlProgram().getFunctionsOrThrow("main");
        return f.getBlockSpecializationsOrThrow(f.getOpset());
    }

    static List<String> opTypes(Block b) {
        List<String> t = new ArrayList<>();
        for (Operation op : b.getOperationsList()) if (!op.getType().equals("const")) t.add(op.getType());
        return t;
    }

    static Map<String, Integer> histogram(Block b) {
        Map<String, Integer> h = new TreeMap<>();
        for (String t : opTypes(b)) h.merge(t, 1, Integer::sum);
        return h;
    }

    static Operation first(Block b, String type) {
        for (Operation op : b.getOperationsList()) if (op.getType().equals(type)) return op;
        throw new AssertionError("no " + type + " op");
    }

    static String name(Operation op) {
        return op.getAttributesOrThrow("name").getImmediateValue().getTensor().getStrings().getValues(0);
    }

    /** The const op bound to {@code param} of {@code op}. */
    static Operation param(Block b, Operation op, String param) {
        String var = op.getInputsOrThrow(param).getArguments(0).getName();
        for (Operation c : b.getOperationsList()) {
            if (c.getType().equals("const") && c.getOutputs(0).getName().equals(var)) return c;
        }
        throw new AssertionError(param + " of " + name(op) + " is not a const");
    }

    static Value val(Block b, Operation op, String param) {
        return param(b, op, param).getAttributesOrThrow("val");
    }

    static dev.formwork.proto.coreml.CoreMlMilProto.DataType dtype(Value v) {
        return v.getType().getTensorType().getDataType();
    }

    static List<Integer> ints(Value v) {
        return v.getImmediateValue().getTensor().getInts().getValuesList();
    }

    static List<Boolean> bools(Value v) {
        return v.getImmediateValue().getTensor().getBools().getValuesList();
    }

    static String str(Value v) {
        return v.getImmediateValue().getTensor().getStrings().getValues(0);
    }

    static List<Long> dims(Value v) {
        List<Long> d = new ArrayList<>();
        for (var x : v.getType().getTensorType().getDimensionsList()) d.add(x.getConstant().getSize());
        return d;
    }

    /** The op writing value {@code var}. */
    static Operation producer(Block b, String var) {
        for (Operation op : b.getOperationsList()) for (var o : op.getOutputsList()) if (o.getName().equals(var)) return op;
        throw new AssertionError("nothing writes " + var);
    }

    /** The var bound to {@code param}. */
    static String arg(Operation op, String param) {
        return op.getInputsOrThrow(param).getArguments(0).getName();
    }

    /** One metadata record of weight.bin. */
    record BlobRecord(long offset, int sentinel, int dtype, long size, long dataOffset, long paddingBits, long[] reserved) {}

    record BlobFile(int count, int version, long[] headerReserved, List<BlobRecord> records, ByteBuffer bytes) {}

    /** Parses weight.bin by walking the 64-byte-aligned metadata chain. */
    static BlobFile blobs(Path pkg) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pkg.resolve("Data/com.apple.CoreML/weights/weight.bin"))).order(ByteOrder.LITTLE_ENDIAN);
        int count = b.getInt(0), version = b.getInt(4);
        long[] hr = new long[7];
        for (int i = 0; i < 7; i++) hr[i] = b.getLong(8 + 8 * i);
        List<BlobRecord> recs = new ArrayList<>();
        long pos = 64;
        for (int i = 0; i < count; i++) {
            int at = (int) pos;
            long[] res = new long[4];
            for (int k = 0; k < 4; k++) res[k] = b.getLong(at + 32 + 8 * k);
            BlobRecord r = new BlobRecord(pos, b.getInt(at), b.getInt(at + 4), b.getLong(at + 8), b.getLong(at + 16), b.getLong(at + 24), res);
            recs.add(r);
            pos = (r.dataOffset() + r.size() + 63) & ~63L;
        }
        return new BlobFile(count, version, hr, recs, b);
    }
}
