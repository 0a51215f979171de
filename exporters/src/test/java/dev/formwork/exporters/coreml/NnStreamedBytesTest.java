package dev.formwork.exporters.coreml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.coreml.nn.NnModelWriter;
import dev.formwork.exporters.coreml.nn.NnStreamWriter;
import dev.formwork.exporters.coreml.nn.WholeNnModel;
import dev.formwork.ir.Graph;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .mlmodel written layer by layer, weights straight from the tensors, is byte for byte the
 * deterministic serialisation of the same model built as one message with every weight in it.
 */
class NnStreamedBytesTest {
    @TempDir Path dir;

    private static final List<String> LABELS = List.of("cat", "dog", "fish", "bird", "frog");

    @Test
    void streamedBytesAreTheWholeMessage() throws Exception {
        ExportOptions fp32 = new ExportOptions();
        ExportOptions fp16 = new ExportOptions().withPrecision(ExportOptions.Precision.FP16, true);
        int n = 0;
        for (Graph g : new Graph[] {TinyGraphs.stem(2), TinyGraphs.meta4d(), TinyGraphs.attention()}) {
            for (ExportOptions o : List.of(fp32, fp16)) check(g, o.withName("m" + n++));
        }
        check(TinyGraphs.meta4d(), fp16.withLabels(LABELS).withName("classifier"));
        check(TinyGraphs.stem(1), fp32.withCoremlInput("image").withName("image"));
    }

    private void check(Graph g, ExportOptions o) throws Exception {
        CoreMlSettings s = CoreMlSettings.forNeuralNetwork(o, g);
        Graph prepared = ExportPrep.prepare(g);
        if (s.image()) ImageInput.foldStd(prepared, s.std());
        NnModelWriter.Written w = NnModelWriter.write(prepared, s, o, g);
        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        NnStreamWriter.write(w, streamed);

        Model whole = WholeNnModel.of(w);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(expected);
        out.useDeterministicSerialization();
        whole.writeTo(out);
        out.flush();
        assertArrayEquals(expected.toByteArray(), streamed.toByteArray(), o.name());
        assertEquals(whole, Model.parseFrom(streamed.toByteArray()), o.name());

        List<NeuralNetworkLayer> layers = whole.hasNeuralNetworkClassifier() ? whole.getNeuralNetworkClassifier().getLayersList()
                : whole.getNeuralNetwork().getLayersList();
        assertTrue(layers.stream().anyMatch(l -> l.toString().contains(o.precisionExplicit() ? "float16Value" : "floatValue")),
                o.name() + ": the model carries weights in the precision asked for");

        // and the exporter writes those bytes (then validates the file) under the artifact's name
        Path p = dir.resolve(o.name() + ".mlmodel");
        new NeuralNetworkExporter().write(g, o, p);
        assertArrayEquals(expected.toByteArray(), Files.readAllBytes(p), o.name());
    }
}
