package dev.formwork.exporters.coreml.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import dev.formwork.proto.coreml.CoreMlMilProto.Program;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetwork;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layer-by-layer reading of an .mlmodel sees what a whole-message parse sees, or steps aside. */
class NnModelFileTest {
    @TempDir
    Path tmp;

    private Path file(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Model base() {
        NnValidatorTest t = new NnValidatorTest();
        return t.base().build();
    }

    @Test
    void layersAndSkeletonAreThoseOfTheWholeMessage() throws Exception {
        for (String s : new String[] {"TinyDrawingEmbedding.mlmodel", "keras2coreml_Dense_ImageNet_small.mlmodel"}) {
            check(NnValidatorTest.sample(s));
        }
        check(file("base.mlmodel", base().toByteArray()));
        Model.Builder classifier = base().toBuilder();
        NeuralNetwork nn = classifier.getNeuralNetwork();
        classifier.getNeuralNetworkClassifierBuilder().addAllLayers(nn.getLayersList())
                .setArrayInputShapeMapping(nn.getArrayInputShapeMapping());
        check(file("classifier.mlmodel", classifier.build().toByteArray()));
    }

    private static void check(Path p) throws Exception {
        Model whole = Model.parseFrom(Files.readAllBytes(p));
        List<NeuralNetworkLayer> expected = whole.hasNeuralNetworkClassifier() ? whole.getNeuralNetworkClassifier().getLayersList()
                : whole.getNeuralNetwork().getLayersList();
        assertFalse(expected.isEmpty(), p.toString());
        try (NnModelFile f = NnModelFile.open(p)) {
            assertNotNull(f, p.toString());
            List<NeuralNetworkLayer> seen = new ArrayList<>();
            f.layers().forEach(seen::add);
            assertEquals(expected, seen, p.toString());
            List<NeuralNetworkLayer> again = new ArrayList<>();
            f.layers().forEach(again::add);
            assertEquals(expected, again, "a second pass reads the same layers");
            assertEquals(expected.size(), f.layerCount());
            Model.Builder rebuilt = f.skeleton().toBuilder();
            if (rebuilt.hasNeuralNetworkClassifier()) rebuilt.getNeuralNetworkClassifierBuilder().addAllLayers(seen);
            else rebuilt.getNeuralNetworkBuilder().addAllLayers(seen);
            assertEquals(whole, rebuilt.build());
        }
        assertEquals(CoreMlValidator.violationsOfWholeMessage(p), CoreMlValidator.nnLayerByLayer(p));
    }

    @Test
    void filesOfAnotherShapeAreLeftToTheWholeMessageParse() throws Exception {
        byte[] good = base().toByteArray();
        // truncated inside the last layer, and bytes that are no protobuf at all
        Path truncated = file("truncated.mlmodel", Arrays.copyOf(good, good.length - 3));
        Path garbage = file("garbage.mlmodel", new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2, 3});
        // a second network field merges into the first; a later mlProgram replaces it in the oneof
        Model second = Model.newBuilder().setNeuralNetwork(NeuralNetwork.newBuilder().setArrayInputShapeMappingValue(0)).build();
        Path twoNetworks = file("two.mlmodel", concat(good, second.toByteArray()));
        Model program = Model.newBuilder().setMlProgram(Program.newBuilder().setVersion(1)).build();
        Path replaced = file("replaced.mlmodel", concat(good, program.toByteArray()));
        for (Path p : List.of(truncated, garbage, twoNetworks, replaced)) {
            try (NnModelFile f = NnModelFile.open(p)) {
                assertNull(f, p.toString());
            }
            assertNull(CoreMlValidator.nnLayerByLayer(p), p.toString());
            assertEquals(CoreMlValidator.violationsOfWholeMessage(p), CoreMlValidator.violations(p));
        }
        // a layer whose own bytes do not parse (a zero tag) is found only when it is reached
        ByteArrayOutputStream net = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(net);
        o.writeByteArray(NeuralNetwork.LAYERS_FIELD_NUMBER, new byte[] {0});
        o.flush();
        Model noNetwork = base().toBuilder().clearNeuralNetwork().build();
        ByteArrayOutputStream top = new ByteArrayOutputStream();
        CodedOutputStream t = CodedOutputStream.newInstance(top);
        t.writeByteArray(Model.NEURALNETWORK_FIELD_NUMBER, net.toByteArray());
        t.flush();
        Path badLayer = file("badlayer.mlmodel", concat(noNetwork.toByteArray(), top.toByteArray()));
        try (NnModelFile f = NnModelFile.open(badLayer)) {
            assertNotNull(f);
            assertEquals(1, f.layerCount());
        }
        assertNull(CoreMlValidator.nnLayerByLayer(badLayer));
        List<String> v = CoreMlValidator.violations(badLayer);
        assertEquals(CoreMlValidator.violationsOfWholeMessage(badLayer), v);
        assertEquals(1, v.size());
        assertTrue(v.get(0).contains("protobuf parse failed"), v.toString());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

}
