/**
 * End-to-end tests of the savedmodel target: models built by the frontends, the savedmodel pass
 * pipeline, the layout pass, the writer, and TensorFlow Java (the TensorFlow 2.18 runtime).
 *
 * <pre>
 * mvn -q -o -pl golden-tests -am test -Dtest='dev.formwork.golden.savedmodel.**' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <ul>
 *   <li>{@code GoldenCasesSavedModelTest}: tiny_v1_64, tiny_v2_64, s0_224 at the README's float32
 *       bounds (2e-5 / 5e-5 vs {@code expected.npy}); fp16 weights by cosine >= 0.999 and top-1;
 *       Transpose nodes per attention block (V1 <= 4, V2 <= 6, none elsewhere); the NCHW
 *       interface; byte-identical folders.
 *   <li>{@code ZooSavedModelTest}: L1 at 224 against {@code regression/efficientformer-l1.json}
 *       (5e-5 max abs), fp16, transposes.
 * </ul>
 */
package dev.formwork.golden.savedmodel;
