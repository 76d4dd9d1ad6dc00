package io.vlstream.model;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;

/** Turns decoded images into the plain float arrays vision models take as input. */
public final class ImageTensors {

    private ImageTensors() {}

    /**
     * The image stretched to {@code width}x{@code height} as NHWC RGB floats in 0..255, written
     * into {@code target} at {@code offset}. Resizing is bilinear with TensorFlow's {@code
     * ResizeBilinear} sampling ({@code align_corners=false, half_pixel_centers=false}), the resize
     * TF.js models such as the built-in detector were run with; the aspect ratio is not kept.
     *
     * @return the number of floats written: {@code width * height * 3}
     */
    public static int rgb255(
            BufferedImage image, int width, int height, float[] target, int offset) {
        int srcW = image.getWidth();
        int srcH = image.getHeight();
        if (srcW < 1 || srcH < 1) {
            throw new IllegalArgumentException("Empty image: " + srcW + "x" + srcH);
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Bad target size: " + width + "x" + height);
        }
        int size = width * height * 3;
        if (offset < 0 || target.length - offset < size) {
            throw new IllegalArgumentException(
                    "Target holds " + (target.length - offset) + " floats, " + size + " needed");
        }
        int[] argb = packedRgb(image);
        float scaleX = (float) srcW / width;
        float scaleY = (float) srcH / height;
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        float[] fx = new float[width];
        for (int x = 0; x < width; x++) {
            float sx = x * scaleX;
            x0[x] = Math.min((int) sx, srcW - 1);
            x1[x] = Math.min(x0[x] + 1, srcW - 1);
            fx[x] = sx - (int) sx;
        }
        int o = offset;
        for (int y = 0; y < height; y++) {
            float sy = y * scaleY;
            int y0 = Math.min((int) sy, srcH - 1);
            int y1 = Math.min(y0 + 1, srcH - 1);
            float fy = sy - (int) sy;
            int row0 = y0 * srcW;
            int row1 = y1 * srcW;
            for (int x = 0; x < width; x++) {
                int a = argb[row0 + x0[x]];
                int b = argb[row0 + x1[x]];
                int c = argb[row1 + x0[x]];
                int d = argb[row1 + x1[x]];
                for (int shift = 16; shift >= 0; shift -= 8) {
                    float top = lerp((a >> shift) & 0xff, (b >> shift) & 0xff, fx[x]);
                    float bottom = lerp((c >> shift) & 0xff, (d >> shift) & 0xff, fx[x]);
                    target[o++] = lerp(top, bottom, fy);
                }
            }
        }
        return size;
    }

    /** {@link #rgb255(BufferedImage, int, int, float[], int)} into a new array. */
    public static float[] rgb255(BufferedImage image, int width, int height) {
        float[] out = new float[width * height * 3];
        rgb255(image, width, height, out, 0);
        return out;
    }

    /**
     * The pixels as packed RGB ints. Decoders (ImageIO's JPEG reader, JavaCV's converter) give
     * 3-byte BGR images, read here straight from the raster; {@code getRGB} on those goes through
     * the colour model pixel by pixel and costs several milliseconds a frame.
     */
    private static int[] packedRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                && image.getRaster().getDataBuffer() instanceof DataBufferByte buffer
                && image.getRaster().getSampleModel() instanceof PixelInterleavedSampleModel model
                && model.getPixelStride() == 3
                && model.getScanlineStride() == w * 3
                && image.getRaster().getSampleModelTranslateX() == 0
                && image.getRaster().getSampleModelTranslateY() == 0
                && buffer.getNumBanks() == 1
                && buffer.getOffset() == 0) {
            byte[] bgr = buffer.getData();
            int[] out = new int[w * h];
            for (int i = 0, b = 0; i < out.length; i++, b += 3) {
                out[i] = ((bgr[b + 2] & 0xff) << 16) | ((bgr[b + 1] & 0xff) << 8) | (bgr[b] & 0xff);
            }
            return out;
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }

    private static float lerp(float from, float to, float t) {
        return from + (to - from) * t;
    }
}
