package dev.formwork.runtimes.coreml.kernels;

/**
 * Moves between space and depth on arrays shaped {@code [..., C, H, W]} (leading axes batch),
 * with the two channel orders Core ML uses (NeuralNetwork.proto ReorganizeDataLayerParams
 * examples; formats.md §4.6):
 * <ul>
 *   <li>TF/ONNX (DCR) order, NN SPACE_TO_DEPTH / DEPTH_TO_SPACE and MIL space_to_depth /
 *       depth_to_space: deep channel {@code (by*bs + bx)*C + c};</li>
 *   <li>PyTorch order, NN PIXEL_SHUFFLE and MIL pixel_shuffle / pixel_unshuffle:
 *       deep channel {@code c*bs*bs + by*bs + bx}.</li>
 * </ul>
 */
public final class Blocks {
    private Blocks() {}

    /** Space to depth: [B, C, H, W] -> [B, C*bs*bs, H/bs, W/bs]. */
    public static float[] spaceToDepth(float[] x, int batch, int c, int h, int w, int bs, boolean torchOrder) {
        int oh = h / bs, ow = w / bs, oc = c * bs * bs;
        float[] y = new float[batch * oc * oh * ow];
        for (int b = 0; b < batch; b++) {
            for (int ci = 0; ci < c; ci++) {
                for (int by = 0; by < bs; by++) {
                    for (int bx = 0; bx < bs; bx++) {
                        int co = torchOrder ? ci * bs * bs + by * bs + bx : (by * bs + bx) * c + ci;
                        int yo = (b * oc + co) * oh * ow;
                        int xi = (b * c + ci) * h * w;
                        for (int i = 0; i < oh; i++) {
                            for (int j = 0; j < ow; j++) y[yo + i * ow + j] = x[xi + (i * bs + by) * w + j * bs + bx];
                        }
                    }
                }
            }
        }
        return y;
    }

    /** Depth to space: [B, C, H, W] -> [B, C/(bs*bs), H*bs, W*bs]; the inverse of the above. */
    public static float[] depthToSpace(float[] x, int batch, int c, int h, int w, int bs, boolean torchOrder) {
        int oc = c / (bs * bs), oh = h * bs, ow = w * bs;
        float[] y = new float[batch * oc * oh * ow];
        for (int b = 0; b < batch; b++) {
            for (int co = 0; co < oc; co++) {
                for (int by = 0; by < bs; by++) {
                    for (int bx = 0; bx < bs; bx++) {
                        int ci = torchOrder ? co * bs * bs + by * bs + bx : (by * bs + bx) * oc + co;
                        int xi = (b * c + ci) * h * w;
                        int yo = (b * oc + co) * oh * ow;
                        for (int i = 0; i < h; i++) {
                            for (int j = 0; j < w; j++) y[yo + (i * bs + by) * ow + j * bs + bx] = x[xi + i * w + j];
                        }
                    }
                }
            }
        }
        return y;
    }
}
