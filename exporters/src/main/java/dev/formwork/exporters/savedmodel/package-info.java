/**
 * The TensorFlow SavedModel target ({@code --target savedmodel}).
 *
 * <p>Pipeline: the caller's passes for
 * {@link dev.formwork.exporters.savedmodel.SavedModelExporter#profile} (NHWC, no GELU or LayerNorm
 * op: GELU arrives as its Erf form), then the layout pass
 * ({@link dev.formwork.passes.layout.ToNhwcLayout}, shared with TFLite), then the lowering table
 * ({@code Writers}: one small file per op family) into NodeDefs, wrapped in a TF1-style
 * SavedModel: one MetaGraphDef tagged {@code serve} with the {@code serving_default} signature
 * (input {@code input}, output {@code logits}). The protobuf classes come from the project's own
 * subset of TensorFlow's schema ({@code src/main/proto/tensorflow}); TensorFlow itself is needed
 * only to run the result.
 *
 * <p>Choices worth knowing:
 * <ul>
 *   <li><b>Weights are Const nodes, not variables/.</b> A tensor-bundle checkpoint (SSTable index,
 *       data shard, crc32c, a Saver or restore ops in the graph) buys nothing for a frozen
 *       inference model except room past protobuf's 2 GB message limit, and the largest model
 *       here (L7, ~82M parameters, ~330 MB in fp32) is far below it. Constants keep the folder
 *       one self-contained file that loads without a restore step, and TensorFlow Serving,
 *       tensorflowjs_converter and the TFLite converter all take it. {@code variables/} is written
 *       empty, which TensorFlow's loader reads as "no variables to restore".
 *   <li><b>Same bytes for the same inputs.</b> Nodes follow graph order, attributes are sorted
 *       by name, map fields are serialized deterministically, there is no op list, timestamp or
 *       random name: two conversions give identical folders.
 *   <li><b>K^T is a flag.</b> The layout pass's adj markers become BatchMatMulV2 adj_x/adj_y; the
 *       only Transposes written are the attention head split/merge the layout leaves (the TFLite
 *       budget) plus, with {@code --tf-input nchw}, one after the input.
 *   <li><b>Padding.</b> SAME when TensorFlow's SAME equals the IR's pads; explicit Pad + VALID
 *       otherwise (3x3 s2 p1 on even inputs). AvgPool SAME excludes padding, as PyTorch's
 *       count_include_pad=False. MaxPool SAME skips padding too; its explicit pads are a PadV2
 *       with -inf.
 *   <li><b>fp16</b>: float32 weights stored DT_HALF behind a Cast to DT_FLOAT (folded once at load
 *       by TensorFlow's constant folding); compute and I/O stay float32.
 * </ul>
 */
package dev.formwork.exporters.savedmodel;
