/**
 * The layout pass for NHWC targets: {@link dev.formwork.passes.layout.ToNhwcLayout}.
 *
 * <p>Where transposes remain on EfficientFormer (counted in the written TFLite file):
 * <ul>
 *   <li>V1 attention, 2 per block: the head split (one transpose of the [B,N,8,192] qkv view to
 *       heads-first, hoisted above the q/k/v Split that all three outputs need) and the head merge
 *       ([B,8,N,128] -> [B,N,8,128] before the reshape to [B,N,1024]). K^T costs nothing: k is
 *       stored [B,h,N,d] and read with BATCH_MATMUL adj_y.
 *   <li>V2 attention (Attention4D and the downsample attention), 4 per block: q, k and v come out
 *       of three separate 1x1 convs as NHWC maps [B,r,r,h*d]; each is a plain reshape to
 *       [B,N,h,d] and needs one transpose to heads-first [B,h,N,d] (k then read with adj_y),
 *       and the merge needs one ([B,h,N,d] -> [B,N,h,d], after which the reshape back to an
 *       NHWC map is free).
 *   <li>With an NCHW interface, one transpose after the input.
 * </ul>
 * Nothing else moves: convolutions, pools, norms, the V1 Flat (a reshape on NHWC), layer scales
 * (re-laid constants), the classifier and the V2 talking heads (heads-first matrix products).
 */
package dev.formwork.passes.layout;
