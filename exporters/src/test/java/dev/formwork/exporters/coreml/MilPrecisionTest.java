package dev.formwork.exporters.coreml;

import static dev.formwork.exporters.coreml.CoreMlFiles.arg;
import static dev.formwork.exporters.coreml.CoreMlFiles.dtype;
import static dev.formwork.exporters.coreml.CoreMlFiles.first;
import static dev.formwork.exporters.coreml.CoreMlFiles.main;
import static dev.formwork.exporters.coreml.CoreMlFiles.model;
import static dev.formwork.exporters.coreml.CoreMlFiles.opTypes;
import static dev.formwork.exporters.coreml.CoreMlFiles.producer;
import static dev.formwork.exporters.coreml.CoreMlFiles.str;
import static dev.formwork.exporters.coreml.CoreMlFiles.val;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Shape;
import dev.formwork.ir.Tensor;
import dev.formwork.ir.Value;
import dev.formwork.ir.ValueType;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fp16 compute as coremltools does it: the default, with fp32 I/O and casts at the boundary. */
class MilPrecisionTest {
    @TempDir Path dir;

    /** Params whose MIL type domain excludes fp16 (upsample_bilinear's U is fp32/int32). */
    private static final Set<String> FP32_DOMAIN = Set.of("scale_factor_height", "scale_factor_width");

    private Model write(Graph g, ExportOptions o) throws Exception {
        return model(CoreMlFiles.mlpackage(g, o.withName(g.name() + o.coremlMinIos() + o.precision()), dir));
    }

    @Test
    void defaultIsFp16WithFloat32Interface() throws Exception {
        for (Graph g : new Graph[] {TinyGraphs.meta4d(), TinyGraphs.attention(), TinyGraphs.v2Bits()}) {
            Model m = write(g, new ExportOptions());
            Block b = main(m);
            var f = m.getMlProgram().getFunctionsOrThrow("main");
            assertEquals(DataType.FLOAT32, f.getInputs(0).getType().getTensorType().getDataType());
            Operation firstOp = b.getOperationsList().stream().filter(o -> !o.getType().equals("const")).findFirst().orElseThrow();
            assertEquals("cast", firstOp.getType(), g.name());
            assertEquals(f.getInputs(0).getName(), arg(firstOp, "x"));
            assertEquals("fp16", str(val(b, firstOp, "dtype")));
            String out = b.getOutputs(0);
            Operation last = producer(b, out);
            assertEquals("cast", last.getType());
            assertEquals("fp32", str(val(b, last, "dtype")));
            assertEquals(DataType.FLOAT32, last.getOutputs(0).getType().getTensorType().getDataType());
            assertEquals(out, m.getDescription().getOutput(0).getName());
            assertEquals(2, opTypes(b).stream().filter("cast"::equals).count(), g.name() + ": casts only at the boundary");
        }
    }

    @Test
    void beforeIos17EveryFloatParameterMatchesTheFp16Data() throws Exception {
        for (int ios = 15; ios <= 18; ios++) {
            for (Graph g : new Graph[] {TinyGraphs.stem(1), TinyGraphs.meta4d(), TinyGraphs.attention(), TinyGraphs.v2Bits()}) {
                Block b = main(write(g, new ExportOptions().withCoremlMinIos(ios)));
                for (Operation op : b.getOperationsList()) {
                    if (op.getType().equals("const") || op.getType().equals("cast")) continue;
                    for (var e : op.getInputsMap().entrySet()) {
                        Operation p = producer(b, e.getValue().getArguments(0).getName());
                        DataType dt = p.getOutputs(0).getType().getTensorType().getDataType();
                        if (dt != DataType.FLOAT16 && dt != DataType.FLOAT32) continue;
                        String where = g.name() + " iOS" + ios + " " + op.getType() + "." + e.getKey();
                        if (FP32_DOMAIN.contains(e.getKey())) assertEquals(DataType.FLOAT32, dt, where);
                        else if (e.getKey().equals("epsilon") && ios >= 17) assertEquals(DataType.FLOAT32, dt, where + " (mixed precision from iOS 17)");
                        else assertEquals(DataType.FLOAT16, dt, where);
                    }
                }
            }
        }
    }

    @Test
    void explicitFp32HasNoCasts() throws Exception {
        Block b = main(write(TinyGraphs.attention(), new ExportOptions().withPrecision(ExportOptions.Precision.FP32, true)));
        assertFalse(opTypes(b).contains("cast"));
        for (Operation op : b.getOperationsList()) {
            if (!op.getType().equals("const")) continue;
            DataType dt = dtype(op.getAttributesOrThrow("val"));
            assertTrue(dt != DataType.FLOAT16, "fp16 const " + CoreMlFiles.name(op));
        }
    }

    @Test
    void anOpWithAConstantBeyondFp16RangeStaysFp32() throws Exception {
        Graph g = new Graph("big");
        Value x = g.addInput("x", ValueType.f32(1, 4));
        Value y = g.apply("Mul", "small", x, g.addConstant("two", Tensor.scalar(2f)));
        y = g.apply("Add", "huge", y, g.addConstant("big", Tensor.ofFloats(Shape.of(4), 1e5f, 0, 0, 0)));
        g.addOutput(g.apply("Relu", "relu", y));
        Block b = main(write(g, new ExportOptions()));
        assertEquals(List.of("cast", "mul", "cast", "add", "cast", "relu", "cast"), opTypes(b));
        Operation add = first(b, "add");
        assertEquals(DataType.FLOAT32, dtype(val(b, add, "y")));
        assertEquals(DataType.FLOAT32, add.getOutputs(0).getType().getTensorType().getDataType());
    }

    @Test
    void aSmallEpsilonNeverUnderflowsToZero() throws Exception {
        Graph g = new Graph("eps");
        Value x = g.addInput("x", ValueType.f32(1, 4, 8));
        Tensor one = Tensor.ofFloats(Shape.of(8), 1, 1, 1, 1, 1, 1, 1, 1);
        g.addOutput(g.apply("LayerNorm", "ln", dev.formwork.ir.Attributes.of("epsilon", 1e-12), x, g.addConstant("w", one), g.addConstant("b", one)));
        Block b = main(write(g, new ExportOptions().withCoremlMinIos(16)));
        var raw = val(b, first(b, "layer_norm"), "epsilon").getImmediateValue().getTensor().getBytes().getValues();
        assertEquals(2, raw.size());
        assertEquals(1, (raw.byteAt(0) & 0xff) | (raw.byteAt(1) & 0xff) << 8, "smallest fp16 subnormal, not zero");
        Block b17 = main(write(g, new ExportOptions().withCoremlMinIos(17)));
        assertEquals(1e-12f, val(b17, first(b17, "layer_norm"), "epsilon").getImmediateValue().getTensor().getFloats().getValues(0));
    }
}
