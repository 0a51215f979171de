package dev.formwork.exporters.coreml;

import static dev.formwork.exporters.coreml.CoreMlFiles.main;
import static dev.formwork.exporters.coreml.CoreMlFiles.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.ir.FormworkException;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.DataType;
import dev.formwork.proto.coreml.CoreMlMilProto.Operation;
import dev.formwork.proto.coreml.CoreMlNeuralNetworkProto.NeuralNetworkLayer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --labels: a classifier with a string label output and a label -> probability dictionary. */
class ClassifierTest {
    @TempDir Path dir;

    private static final List<String> LABELS = List.of("cat", "dog", "fish", "bird", "frog");

    @Test
    void mlProgramEndsWithClassifyAsCoremltoolsWritesIt() throws Exception {
        var m = model(CoreMlFiles.mlpackage(TinyGraphs.meta4d(), new ExportOptions().withName("cls").withLabels(LABELS), dir));
        Block b = main(m);
        Operation classify = b.getOperations(b.getOperationsCount() - 1);
        assertEquals("classify", classify.getType());
        var classes = classify.getInputsOrThrow("classes").getArguments(0);
        assertTrue(classes.hasValue(), "classes bound as a literal, not through a const op");
        var list = classes.getValue();
        assertEquals(DataType.STRING, list.getType().getListType().getType().getTensorType().getDataType());
        assertEquals(5, list.getType().getListType().getLength().getConstant().getSize());
        assertEquals("fish", list.getImmediateValue().getList().getValues(2).getImmediateValue().getTensor().getStrings().getValues(0));
        Operation probs = CoreMlFiles.producer(b, CoreMlFiles.arg(classify, "probabilities"));
        assertEquals("cast", probs.getType(), "fp16 softmax cast to fp32 for classify");
        assertEquals("softmax", CoreMlFiles.producer(b, CoreMlFiles.arg(probs, "x")).getType());
        assertEquals(DataType.STRING, classify.getOutputs(0).getType().getTensorType().getDataType());
        assertEquals(0, classify.getOutputs(0).getType().getTensorType().getRank());
        var dict = classify.getOutputs(1).getType().getDictionaryType();
        assertEquals(DataType.STRING, dict.getKeyType().getTensorType().getDataType());
        assertEquals(DataType.FLOAT64, dict.getValueType().getTensorType().getDataType());
        assertEquals(List.of("classLabel", "classLabel_probs"), b.getOutputsList());
        var d = m.getDescription();
        assertEquals("classLabel", d.getPredictedFeatureName());
        assertEquals("classLabel_probs", d.getPredictedProbabilitiesName());
        assertTrue(d.getOutput(0).getType().hasStringType());
        assertTrue(d.getOutput(1).getType().getDictionaryType().hasStringKeyType());
    }

    @Test
    void neuralNetworkClassifierWithASoftmaxProbabilityLayer() throws Exception {
        var m = model(CoreMlFiles.mlmodel(TinyGraphs.meta4d(), new ExportOptions().withName("cls").withLabels(LABELS), dir));
        assertTrue(m.hasNeuralNetworkClassifier());
        var c = m.getNeuralNetworkClassifier();
        assertEquals(LABELS, c.getStringClassLabels().getVectorList());
        NeuralNetworkLayer last = c.getLayers(c.getLayersCount() - 1);
        assertEquals(NeuralNetworkLayer.LayerCase.SOFTMAXND, last.getLayerCase());
        assertEquals(c.getLabelProbabilityLayerName(), last.getOutput(0));
        var d = m.getDescription();
        assertEquals(d.getPredictedProbabilitiesName(), c.getLabelProbabilityLayerName());
        assertEquals("classLabel", d.getPredictedFeatureName());
        assertTrue(d.getOutput(0).getType().getDictionaryType().hasStringKeyType());
        assertTrue(d.getOutput(1).getType().hasStringType());
    }

    @Test
    void labelsMustFitTheOutput() {
        var e = assertThrows(FormworkException.class, () -> new MlProgramExporter().check(TinyGraphs.meta4d(), new ExportOptions().withLabels(List.of("a", "b"))));
        assertTrue(e.getMessage().contains("2 labels"), e.getMessage());
        assertThrows(FormworkException.class, () -> new NeuralNetworkExporter().check(TinyGraphs.stem(1), new ExportOptions().withLabels(LABELS)));
        assertThrows(FormworkException.class, () -> new NeuralNetworkExporter().check(TinyGraphs.meta4d(), new ExportOptions().withLabels(List.of("a", "a", "b", "c", "d"))));
    }
}
