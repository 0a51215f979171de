/**
 * The TensorFlow Lite target ({@code --target tflite}).
 *
 * <p>Pipeline: the caller's passes for {@link dev.formwork.exporters.tflite.TfliteExporter#profile}
 * (NHWC, native GELU none/tanh, no LayerNorm builtin), then the layout pass
 * ({@link dev.formwork.passes.layout.ToNhwcLayout}), then the lowering table ({@code Lowerings}:
 * one small class per op family) into an in-memory model ({@code TflModel}) that
 * {@code TflSerializer} writes through the official generated schema classes
 * ({@code org.tensorflow.lite.schema}, tensorflow-lite-metadata 0.4.4, flatbuffers-java 23.5.26).
 *
 * <p>Choices worth knowing:
 * <ul>
 *   <li><b>K^T is a flag.</b> The IR MatMul has no transpose flags. The layout pass marks an operand
 *       whose matrix axes are swapped with a bare last-two-axes Transpose read only by MatMuls;
 *       the writer folds exactly those into BATCH_MATMUL adj_x/adj_y and writes no TRANSPOSE for
 *       them (the absorption lives in the writer, the decision in the pass). The IR stays
 *       executable by the reference interpreter.
 *   <li><b>Talking heads stay heads-first.</b> V2's 1x1 convs on the [B,8,N,N] scores are laid out
 *       as a matrix product of the [8,8] weight with a [B,8,N*N] view (BATCH_MATMUL with a
 *       broadcast constant LHS), so the softmax keeps its last axis and no transposes appear.
 *   <li><b>Padding.</b> SAME when TFLite's SAME equals the IR's pads (3x3 s1 p1 convs, the 3x3 s1
 *       p1 count_include_pad=False pool); explicit PAD + VALID otherwise (3x3 s2 p1 on even inputs);
 *       MaxPool pads with -inf (PADV2), which never wins the max.
 *   <li><b>fp16</b>: float32 constants stored FLOAT16 behind DEQUANTIZE (version 3); compute and
 *       I/O stay float32.
 *   <li><b>Metadata</b>: min_runtime_version (from the op versions written) and TFLITE_METADATA
 *       (ModelMetadata with ImageNet normalization expressed on 0..255 pixels, see
 *       {@code TfliteMetadata}); labels appended as a stored zip with fixed timestamps.
 *   <li><b>Determinism</b>: nodes, tensors, buffers and operator codes follow graph order; no
 *       timestamps; identical inputs give identical bytes.
 * </ul>
 */
package dev.formwork.exporters.tflite;
