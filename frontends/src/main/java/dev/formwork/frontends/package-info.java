/**
 * Model frontends: where graphs come from.
 *
 * <p>{@link dev.formwork.frontends.Models#load} is the entry point: a zoo name
 * ({@link dev.formwork.frontends.Models#zooNames}), a {@code .json} custom config
 * ({@link dev.formwork.frontends.config.ConfigParser}) or, later, an {@code .onnx} file; with weights
 * from a {@code .safetensors} or PyTorch zip checkpoint ({@code .pth}/{@code .pt}/{@code .bin}, read
 * as data by {@link dev.formwork.frontends.weights.torch.TorchCheckpoint}) in timm or original
 * naming ({@link dev.formwork.frontends.weights.CheckpointWeights}) or seeded random weights
 * ({@link dev.formwork.frontends.weights.RandomWeights}). The graphs follow timm's module paths:
 * input {@code input} [B,3,H,W], output {@code logits}, constants named by state-dict keys.
 */
package dev.formwork.frontends;
