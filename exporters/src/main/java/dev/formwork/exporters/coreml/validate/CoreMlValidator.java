package dev.formwork.exporters.coreml.validate;

import dev.formwork.ir.FormworkException;
import dev.formwork.proto.coreml.CoreMlModelProto.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a Core ML artifact against the load-time rules Core ML applies (formats.md §6), written
 * from apple/coremltools {@code mlmodel/src/Model.cpp}, {@code Validation/InterfaceValidators.cpp},
 * {@code Validation/NeuralNetwork/*}, {@code modelpackage/src/ModelPackage.cpp}, the MIL blob
 * reader and the MIL op definitions — independently of Formwork's writer, so that a writer
 * mistake is caught rather than mirrored.
 *
 * <p>{@link #violations(Path)} lists every violation found (empty when the model would load);
 * {@link #validate(Path)} throws one {@link FormworkException} naming the file and the first few.
 */
public final class CoreMlValidator {
    /** Newest specification version this validator knows (iOS 26 / macOS 26). */
    public static final int MAX_SPEC = 10;
    private static final int SHOWN = 5;

    private CoreMlValidator() {}

    public static void validate(Path artifact) {
        List<String> v = violations(artifact);
        if (v.isEmpty()) return;
        StringBuilder b = new StringBuilder(artifact + ": " + v.size() + " Core ML load-rule violation" + (v.size() == 1 ? "" : "s") + ": ");
        // Violations quote names from the file: escaped, so a newline in a name cannot split the line.
        for (int k = 0; k < Math.min(SHOWN, v.size()); k++) b.append(k > 0 ? "; " : "").append(FormworkException.shown(v.get(k), 400));
        if (v.size() > SHOWN) b.append("; and ").append(v.size() - SHOWN).append(" more");
        throw new FormworkException(b.toString());
    }

    public static List<String> violations(Path artifact) {
        List<String> streamed = nnLayerByLayer(artifact);
        return streamed != null ? streamed : violationsOfWholeMessage(artifact);
    }

    /**
     * A NeuralNetwork {@code .mlmodel} checked while its layers are parsed one at a time
     * ({@link NnModelFile}), with the same findings as parsing the whole message; null when the
     * file is not read that way.
     */
    static List<String> nnLayerByLayer(Path artifact) {
        try (NnModelFile f = NnModelFile.open(artifact)) {
            if (f == null) return null;
            List<String> out = new ArrayList<>();
            Model m = f.skeleton();
            checkVersion(m, out);
            DescriptionRules.check(m, out);
            NnRules.check(m, f.layers(), f.layerCount(), out);
            return out;
        } catch (NnModelFile.Unreadable e) {
            return null;
        }
    }

    /** Every rule, on the model parsed as one message. */
    static List<String> violationsOfWholeMessage(Path artifact) {
        List<String> out = new ArrayList<>();
        CoreMlArtifact a;
        try {
            if (java.nio.file.Files.isDirectory(artifact)) {
                out.addAll(PackageManifest.read(artifact).problems());
                if (!out.isEmpty()) {
                    // Keep going when the root model can still be found, to report everything at once.
                    if (PackageManifest.read(artifact).rootModelPath() == null) return out;
                }
            }
            a = CoreMlArtifact.load(artifact);
        } catch (FormworkException e) {
            if (out.isEmpty()) out.add(e.getMessage());
            return out;
        }
        check(a, out);
        return out;
    }

    private static void checkVersion(Model m, List<String> out) {
        int spec = m.getSpecificationVersion();
        if (spec <= 0) out.add("specificationVersion " + spec + ": missing or corrupt (must be non-zero)");
        else if (spec > MAX_SPEC) out.add("specificationVersion " + spec + " is newer than any released Core ML (" + MAX_SPEC + ")");
    }

    static void check(CoreMlArtifact a, List<String> out) {
        Model m = a.model();
        checkVersion(m, out);
        DescriptionRules.check(m, out);
        switch (m.getTypeCase()) {
            case NEURALNETWORK, NEURALNETWORKCLASSIFIER -> NnRules.check(m, out);
            case MLPROGRAM -> {
                MilRules.check(a, out);
            }
            case TYPE_NOT_SET -> out.add("model has no model type (neuralNetwork, mlProgram, ...) set");
            default -> { }
        }
    }
}
