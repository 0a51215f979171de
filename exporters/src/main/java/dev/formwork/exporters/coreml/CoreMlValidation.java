package dev.formwork.exporters.coreml;

import dev.formwork.exporters.coreml.validate.CoreMlValidator;
import java.nio.file.Path;

/**
 * Runs the independent Core ML validator ({@code dev.formwork.exporters.coreml.validate}) on a
 * freshly written artifact, before it is renamed into place. The validator is written apart
 * from the writers on purpose, so that a misreading of the format made in both directions does
 * not cancel out; a violation fails the export with the validator's one-line message.
 */
final class CoreMlValidation {
    private CoreMlValidation() {}

    static void validate(Path artifact) {
        CoreMlValidator.validate(artifact);
    }
}
