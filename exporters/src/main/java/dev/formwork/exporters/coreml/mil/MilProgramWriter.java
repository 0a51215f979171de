package dev.formwork.exporters.coreml.mil;

import dev.formwork.exporters.ExportOptions;
import dev.formwork.exporters.coreml.CoreMlDescriptions;
import dev.formwork.exporters.coreml.CoreMlSettings;
import dev.formwork.ir.Graph;
import dev.formwork.ir.Node;
import dev.formwork.proto.coreml.CoreMlMilProto.Block;
import dev.formwork.proto.coreml.CoreMlMilProto.Function;
import dev.formwork.proto.coreml.CoreMlMilProto.Program;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import dev.formwork.proto.coreml.CoreMlModelProto.ModelDescription;

/**
 * Lowers a prepared graph to an ML Program: one function {@code main} whose opset and single
 * block specialisation follow the deployment target (iOS 15 -> spec 6 / CoreML5 ... iOS 18 ->
 * spec 9 / CoreML8), plus the model description. The weights are only planned here; the
 * returned {@link WeightBlobs} streams them.
 */
public final class MilProgramWriter {
    /** The model proto and the weight file it references. */
    public record Result(Model model, WeightBlobs blobs) {}

    private MilProgramWriter() {}

    public static int specificationVersion(int ios) {
        return ios - 9;
    }

    public static String opset(int ios) {
        return "CoreML" + (ios - 10);
    }

    public static Result write(Graph g, CoreMlSettings s, ExportOptions options, Graph source) {
        MilBlock block = new MilBlock();
        MilContext ctx = new MilContext(block, s);
        MilInterface io = new MilInterface();
        io.reserve(g, ctx);
        if (s.image()) io.imagePreprocessing(g, ctx);
        for (Node n : g.nodes()) MilLowerings.forNode(n).lower(n, ctx);
        if (s.labels() != null) io.classifier(g, ctx);
        else io.outputs(g, ctx);

        String opset = opset(s.minIos());
        Block main = Block.newBuilder().addAllOutputs(io.blockOutputs).addAllOperations(block.operations()).build();
        Function f = Function.newBuilder().addAllInputs(io.functionInputs).setOpset(opset)
                .putBlockSpecializations(opset, main).build();
        Program program = Program.newBuilder().setVersion(1).putFunctions("main", f).build();

        ModelDescription.Builder d = ModelDescription.newBuilder().addAllInput(io.inputFeatures).addAllOutput(io.outputFeatures)
                .setMetadata(CoreMlDescriptions.metadata(options, source));
        if (s.labels() != null) {
            d.setPredictedFeatureName(CoreMlDescriptions.CLASS_LABEL).setPredictedProbabilitiesName(CoreMlDescriptions.CLASS_PROBS);
        }
        Model model = Model.newBuilder().setSpecificationVersion(specificationVersion(s.minIos()))
                .setDescription(d).setMlProgram(program).build();
        return new Result(model, block.blobs());
    }
}
