package dev.formwork.exporters.coreml;

import static dev.formwork.exporters.coreml.CoreMlFiles.main;
import static dev.formwork.exporters.coreml.CoreMlFiles.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Half;
import dev.formwork.ir.Node;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .mlpackage container: weight.bin read byte by byte, manifest, names, op order. */
class MilPackageTest {
    @TempDir Path dir;

    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_@]*");

    @Test
    void weightFileFollowsStorageFormat2() throws Exception {
        for (boolean fp16 : new boolean[] {true, false}) {
            Graph g = TinyGraphs.attention();
            ExportOptions o = new ExportOptions().withName("w" + fp16).withPrecision(fp16 ? ExportOptions.Precision.FP16 : ExportOptions.Precision.FP32, true);
            Path p = CoreMlFiles.mlpackage(g, o, dir);
            CoreMlFiles.BlobFile f = CoreMlFiles.blobs(p);
            assertEquals(2, f.version());
            assertArrayEquals(new long[7], f.headerReserved());
            Block b = main(model(p));
            Map<Long, Operation> byOffset = new HashMap<>();
            int blobConsts = 0;
            for (Operation op : b.getOperationsList()) {
                if (!op.getType().equals("const")) continue;
                var v = op.getAttributesOrThrow("val");
                long n = CoreMlFiles.dims(v).stream().mapToLong(Long::longValue).reduce(1, (a, c) -> a * c);
                DataType dt = CoreMlFiles.dtype(v);
                boolean isFloat = dt == DataType.FLOAT16 || dt == DataType.FLOAT32;
                assertEquals(isFloat && n >= 10, v.hasBlobFileValue(), CoreMlFiles.name(op) + ": blob iff >= 10 float elements");
                if (v.hasBlobFileValue()) {
                    blobConsts++;
                    assertEquals("@model_path/weights/weight.bin", v.getBlobFileValue().getFileName());
                    byOffset.put(v.getBlobFileValue().getOffset(), op);
                }
            }
            assertEquals(blobConsts, f.count());
            long prevEnd = 64;
            for (CoreMlFiles.BlobRecord r : f.records()) {
                assertEquals(0xDEADBEEF, r.sentinel());
                assertEquals(0, r.offset() % 64, "metadata 64-aligned");
                assertTrue(r.offset() >= prevEnd && r.offset() - prevEnd < 64, "records packed in order");
                assertEquals(r.offset() + 64, r.dataOffset(), "data right after its metadata");
                assertEquals(0, r.paddingBits());
                assertArrayEquals(new long[4], r.reserved());
                Operation c = byOffset.get(r.offset());
                assertTrue(c != null, "a const points at the metadata record at " + r.offset());
                var v = c.getAttributesOrThrow("val");
                DataType dt = CoreMlFiles.dtype(v);
                assertEquals(dt == DataType.FLOAT16 ? 1 : 2, r.dtype(), "blob dtype code, not the MIL enum");
                long n = CoreMlFiles.dims(v).stream().mapToLong(Long::longValue).reduce(1, (a, x) -> a * x);
                assertEquals(n * (dt == DataType.FLOAT16 ? 2 : 4), r.size(), "size in bytes");
                prevEnd = r.dataOffset() + r.size();
            }
            assertEquals(prevEnd, Files.size(p.resolve("Data/com.apple.CoreML/weights/weight.bin")), "no trailing padding");
            // The data equals the IR weights: qkv.w is written as is (fp32) or rounded to fp16.
            Tensor w = g.constant("qkv.w").constant();
            CoreMlFiles.BlobRecord rec = recordOf(f, byOffset, "qkv_w");
            for (int i = 0; i < w.numel(); i++) {
                float expect = fp16 ? Half.round(w.getFloat(i)) : w.getFloat(i);
                float got = fp16 ? Half.toFloat(f.bytes().getShort((int) rec.dataOffset() + 2 * i)) : f.bytes().getFloat((int) rec.dataOffset() + 4 * i);
                assertEquals(expect, got, "element " + i);
            }
        }
    }

    private static CoreMlFiles.BlobRecord recordOf(CoreMlFiles.BlobFile f, Map<Long, Operation> byOffset, String constName) {
        for (CoreMlFiles.BlobRecord r : f.records()) if (CoreMlFiles.name(byOffset.get(r.offset())).equals(constName)) return r;
        throw new AssertionError("no blob for " + constName);
    }

    @Test
    void manifestNamesTheModelAndTheWeights() throws Exception {
        Path p = CoreMlFiles.mlpackage(TinyGraphs.meta4d(), new ExportOptions().withName("m"), dir);
        String text = Files.readString(p.resolve("Manifest.json"));
        JsonNode j = new ObjectMapper().readTree(text);
        List<String> keys = new ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("fileFormatVersion", "itemInfoEntries", "rootModelIdentifier"), keys);
        assertEquals("1.0.0", j.get("fileFormatVersion").asText());
        JsonNode items = j.get("itemInfoEntries");
        assertEquals(2, items.size());
        String root = j.get("rootModelIdentifier").asText();
        assertTrue(root.matches("[0-9A-F]{8}-[0-9A-F]{4}-8[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}"), root);
        assertEquals("com.apple.CoreML/model.mlmodel", items.get(root).get("path").asText());
        Set<String> paths = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = items.fields(); it.hasNext(); ) {
            JsonNode item = it.next().getValue();
            List<String> ik = new ArrayList<>();
            item.fieldNames().forEachRemaining(ik::add);
            assertEquals(List.of("author", "description", "name", "path"), ik);
            assertEquals(item.get("author").asText() + "/" + item.get("name").asText(), item.get("path").asText());
            assertTrue(Files.exists(p.resolve("Data").resolve(item.get("path").asText())));
            paths.add(item.get("path").asText());
        }
        assertEquals(Set.of("com.apple.CoreML/model.mlmodel", "com.apple.CoreML/weights"), paths);
    }

    @Test
    void namesAreValidUniqueAndOpsTopological() throws Exception {
        Graph g = TinyGraphs.attention();
        // IR names with dots and a reserved word must be rewritten.
        Path p = CoreMlFiles.mlpackage(g, new ExportOptions().withName("n"), dir);
        var m = model(p);
        Block b = main(m);
        Set<String> defined = new HashSet<>(), opNames = new HashSet<>();
        m.getMlProgram().getFunctionsOrThrow("main").getInputsList().forEach(i -> defined.add(i.getName()));
        for (Operation op : b.getOperationsList()) {
            String name = CoreMlFiles.name(op);
            assertTrue(IDENT.matcher(name).matches(), name);
            assertTrue(opNames.add(name), "duplicate op name " + name);
            if (op.getType().equals("const")) {
                assertEquals(0, op.getInputsCount());
                assertEquals(op.getAttributesOrThrow("val").getType(), op.getOutputs(0).getType());
            }
            for (var arg : op.getInputsMap().values()) {
                for (var binding : arg.getArgumentsList()) {
                    if (binding.hasName()) assertTrue(defined.contains(binding.getName()), name + " reads " + binding.getName() + " before it exists");
                }
            }
            for (var o : op.getOutputsList()) {
                assertTrue(IDENT.matcher(o.getName()).matches(), o.getName());
                assertTrue(defined.add(o.getName()), "value written twice: " + o.getName());
            }
        }
        for (String out : b.getOutputsList()) assertTrue(defined.contains(out));
        assertTrue(opNames.contains("qkv_w"), "qkv.w sanitised to qkv_w");
    }

    @Test
    void reservedAndInvalidIrNamesAreRewritten() throws Exception {
        Graph g = new Graph("r");
        Value x = g.addInput("fp16", dev.formwork.ir.ValueType.f32(1, 4));
        Node n = g.add("Relu", "1st.relu", List.of(x));
        g.addOutput(n.output());
        var m = model(CoreMlFiles.mlpackage(g, new ExportOptions().withName("r"), dir));
        String in = m.getDescription().getInput(0).getName();
        String out = m.getDescription().getOutput(0).getName();
        assertEquals("fp16_", in);
        assertEquals("_1st_relu", out);
        assertEquals(in, m.getMlProgram().getFunctionsOrThrow("main").getInputs(0).getName());
        assertFalse(in.equals("fp16"));
    }
}
