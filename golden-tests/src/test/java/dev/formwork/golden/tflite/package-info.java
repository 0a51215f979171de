/**
 * End-to-end tests of the tflite target: models built by the frontends, the tflite pass
 * pipeline, the layout pass, the writer, and the TensorFlow Lite interpreter (XNNPACK on and off).
 *
 * <pre>
 * mvn -q -o -pl golden-tests -am test -Dtest='dev.formwork.golden.tflite.**' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <ul>
 *   <li>{@code GoldenCasesTfliteTest}: tiny_v1_64, tiny_v2_64, s0_224 (real weights, stored input)
 *       at the README's float32 bounds (2e-5 / 5e-5 vs {@code expected.npy}), passes default and
 *       none; fp16 by cosine >= 0.999 and top-1; TRANSPOSE ops counted in the file per attention
 *       block (V1 <= 4, V2 <= 6, none elsewhere); the NCHW interface; byte-identical files.
 *   <li>{@code ZooTfliteTest}: L1 at 224 with seeded random weights against a fresh reference run
 *       (fp32 rule 1e-4 * max|ref| + 1e-5), fp16, transposes.
 *   <li>{@code LayoutCertificateTest}: the layout pass alone, NHWC graph vs NCHW graph on the
 *       reference interpreter (1e-6 of the logits' scale), tiny V1/V2, L1, S0.
 *   <li>{@code MeasureTflite} (a main, not a test): sizes, op histograms, transposes per block and
 *       XNNPACK latency, e.g. {@code java -Xmx6g --add-modules jdk.incubator.vector -cp CP
 *       dev.formwork.golden.tflite.MeasureTflite 30 efficientformer-l1} with CP the golden-tests
 *       test classpath.
 * </ul>
 */
package dev.formwork.golden.tflite;
