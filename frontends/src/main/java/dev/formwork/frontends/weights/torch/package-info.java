/**
 * PyTorch checkpoints ({@code torch.save}: the zip format since 1.6 and the legacy non-zip
 * format) read as data, never as code.
 *
 * <p>{@link dev.formwork.frontends.weights.torch.TorchCheckpoint#read} opens the file: a zip
 * ({@code ZipArchive}: central directory, zip64, STORED storage entries memory-mapped at the offset
 * the local header gives) or a legacy file ({@code LegacyFile}: five pickles, then the raw
 * storages as slices of one mapping). Every pickle goes through a restricted opcode interpreter
 * ({@code Unpickler}) that knows a fixed whitelist of globals
 * ({@link dev.formwork.frontends.weights.torch.PickleGlobal}) and builds inert values
 * ({@link dev.formwork.frontends.weights.torch.Pickled}); then the state dict is chosen
 * ({@code state_dict}, {@code model}, the file's dict, or a named entry) and its tensors are
 * returned as views of the mapped file ({@code StorageReader}). Key naming (timm or original) is
 * then handled by {@link dev.formwork.frontends.weights.CheckpointWeights} exactly as for
 * safetensors. {@link dev.formwork.frontends.weights.torch.TorchSaveWriter} writes both layouts,
 * for benchmarks and tests without torch.
 *
 * <p>The whitelist: {@code collections.OrderedDict}; {@code torch._utils._rebuild_tensor_v2},
 * {@code _rebuild_tensor}, {@code _rebuild_parameter}, {@code _rebuild_parameter_with_state};
 * {@code torch.FloatStorage} ... {@code torch.BoolStorage}; {@code torch.strided},
 * {@code torch.serialization._get_layout}; {@code argparse.Namespace}; numpy
 * {@code scalar}, {@code dtype}, {@code _reconstruct}, {@code ndarray}; {@code _codecs.encode};
 * {@code builtins.set} / {@code frozenset}; {@code pathlib} paths. Each is a tag for a data
 * constructor implemented here. Any other global is only a name: as the class of NEWOBJ it makes
 * an inert placeholder object (the training script's own classes in {@code args}), which is
 * refused inside the weights; called ({@code os.system(...)}, {@code mymodule.run(...)}), used as
 * a value, or from a module that runs code ({@code os}, {@code builtins}, {@code subprocess}),
 * it is refused with one line naming it.
 */
package dev.formwork.frontends.weights.torch;
