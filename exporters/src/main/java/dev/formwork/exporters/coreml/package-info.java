/**
 * Core ML writers and reader.
 *
 * <ul>
 *   <li>{@link dev.formwork.exporters.coreml.MlProgramExporter} (target {@code coreml}):
 *       {@code NAME.mlpackage}, an ML Program for iOS 15..18 (spec 6..9, opset CoreML5..8),
 *       fp16 compute by default with float32 inputs/outputs; lowering in {@code coreml.mil}.</li>
 *   <li>{@link dev.formwork.exporters.coreml.NeuralNetworkExporter} (target {@code coreml-nn}):
 *       {@code NAME.mlmodel}, a NeuralNetwork for iOS 13/14 (spec 4, or 5 for half-pixel
 *       bilinear upsampling); lowering in {@code coreml.nn}.</li>
 *   <li>{@link dev.formwork.exporters.coreml.CoreMlReader}: both formats back for {@code inspect}.</li>
 * </ul>
 *
 * <p>Shared by both writers: {@link dev.formwork.exporters.coreml.ExportPrep} (constant folding
 * on a copy, so unoptimised graphs write), {@link dev.formwork.exporters.coreml.CoreMlSettings}
 * (options resolved and checked once), {@link dev.formwork.exporters.coreml.ImageInput}
 * (ImageNet preprocessing with 1/std folded into the stem), and
 * {@link dev.formwork.exporters.coreml.CoreMlDescriptions} (features, classifier outputs,
 * metadata). Every artifact is checked by the independent validator before it is renamed into
 * place.
 */
package dev.formwork.exporters.coreml;
