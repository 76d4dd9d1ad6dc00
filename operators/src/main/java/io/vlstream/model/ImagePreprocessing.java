package io.vlstream.model;

import java.awt.image.BufferedImage;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * How an image becomes a model's float input: size, crop, pixel scaling and memory layout.
 *
 * <p>Pixels are RGB. Each channel value {@code v} in 0..255 becomes {@code (v * unit - mean[c]) /
 * std[c]}, with {@code unit} 1/255 for the normalised conventions and 1 for {@code 0-255}. Resizing
 * is bilinear ({@link ImageTensors}).
 *
 * @param width model input width
 * @param height model input height
 * @param pixels the pixel convention's name (for messages and docs)
 * @param unit 1/255 (values in 0..1 before mean/std) or 1 (0..255)
 * @param mean per-channel mean subtracted (R, G, B)
 * @param std per-channel standard deviation divided by (R, G, B)
 * @param layout {@link Layout#NHWC} or {@link Layout#NCHW}
 * @param resize how the aspect ratio is handled
 */
public record ImagePreprocessing(
        int width,
        int height,
        String pixels,
        float unit,
        float[] mean,
        float[] std,
        Layout layout,
        Resize resize)
        implements Serializable {

    /** Memory layout of one batch. */
    public enum Layout {
        /** [batch, height, width, 3]: TensorFlow/Keras exports. */
        NHWC,
        /** [batch, 3, height, width]: PyTorch exports (e.g. via ONNX). */
        NCHW
    }

    /** How the image is fitted to the input size. */
    public enum Resize {
        /** Stretch to the input size (SigLIP, BLIP processors). */
        STRETCH,
        /** Crop the largest centred region of the input's aspect ratio, then resize (CLIP). */
        CENTER_CROP
    }

    /** The named pixel conventions: {@code 0-1}, {@code 0-255}, {@code clip}, {@code siglip}, … */
    public static final String[] PIXEL_CONVENTIONS = {"0-1", "0-255", "clip", "siglip", "imagenet"};

    public ImagePreprocessing {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("Bad image size " + width + "x" + height);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R,G,B)");
        }
        for (float s : std) {
            if (!(s > 0f)) {
                throw new IllegalArgumentException("std must be > 0, got " + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** A named pixel convention at the given size, NHWC, stretched. */
    public static ImagePreprocessing of(int width, int height, String pixels) {
        String p = pixels.toLowerCase(Locale.ROOT);
        float[] zero = {0f, 0f, 0f};
        float[] one = {1f, 1f, 1f};
        switch (p) {
            case "0-1":
                return new ImagePreprocessing(
                        width, height, p, 1f / 255f, zero, one, Layout.NHWC, Resize.STRETCH);
            case "0-255":
                return new ImagePreprocessing(
                        width, height, p, 1f, zero, one, Layout.NHWC, Resize.STRETCH);
            case "clip":
                return new ImagePreprocessing(
                        width,
                        height,
                        p,
                        1f / 255f,
                        new float[] {0.48145466f, 0.4578275f, 0.40821073f},
                        new float[] {0.26862954f, 0.26130258f, 0.27577711f},
                        Layout.NHWC,
                        Resize.STRETCH);
            case "siglip":
                return new ImagePreprocessing(
                        width,
                        height,
                        p,
                        1f / 255f,
                        new float[] {0.5f, 0.5f, 0.5f},
                        new float[] {0.5f, 0.5f, 0.5f},
                        Layout.NHWC,
                        Resize.STRETCH);
            case "imagenet":
                return new ImagePreprocessing(
                        width,
                        height,
                        p,
                        1f / 255f,
                        new float[] {0.485f, 0.456f, 0.406f},
                        new float[] {0.229f, 0.224f, 0.225f},
                        Layout.NHWC,
                        Resize.STRETCH);
            default:
                throw new IllegalArgumentException(
                        "Unknown pixel convention '"
                                + pixels
                                + "'; expected one of "
                                + String.join(", ", PIXEL_CONVENTIONS));
        }
    }

    public ImagePreprocessing withMeanStd(float[] newMean, float[] newStd) {
        return new ImagePreprocessing(
                width, height, pixels + "+mean/std", unit, newMean, newStd, layout, resize);
    }

    public ImagePreprocessing withLayout(Layout value) {
        return new ImagePreprocessing(width, height, pixels, unit, mean, std, value, resize);
    }

    public ImagePreprocessing withResize(Resize value) {
        return new ImagePreprocessing(width, height, pixels, unit, mean, std, layout, value);
    }

    /** Floats per image: {@code width * height * 3}. */
    public int size() {
        return width * height * 3;
    }

    /** Writes one image's input into {@code target} at {@code offset}, in this layout. */
    public void write(BufferedImage image, float[] target, int offset) {
        BufferedImage source = resize == Resize.CENTER_CROP ? centerCrop(image) : image;
        float[] rgb = ImageTensors.rgb255(source, width, height);
        int plane = width * height;
        for (int p = 0; p < plane; p++) {
            for (int c = 0; c < 3; c++) {
                float v = (rgb[p * 3 + c] * unit - mean[c]) / std[c];
                if (layout == Layout.NHWC) {
                    target[offset + p * 3 + c] = v;
                } else {
                    target[offset + c * plane + p] = v;
                }
            }
        }
    }

    /** The batch's input, images one after another, in this layout. */
    public float[] batch(java.util.List<BufferedImage> images) {
        float[] out = new float[images.size() * size()];
        for (int i = 0; i < images.size(); i++) {
            write(images.get(i), out, i * size());
        }
        return out;
    }

    /** The tensor shape of a batch of {@code n}. */
    public long[] shape(int n) {
        return layout == Layout.NHWC
                ? new long[] {n, height, width, 3}
                : new long[] {n, 3, height, width};
    }

    private BufferedImage centerCrop(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        // Largest centred region with the input's aspect ratio.
        long cw = w;
        long ch = (long) w * height / width;
        if (ch > h) {
            ch = h;
            cw = (long) h * width / height;
        }
        cw = Math.max(1, cw);
        ch = Math.max(1, ch);
        if (cw == w && ch == h) {
            return image;
        }
        return image.getSubimage((int) (w - cw) / 2, (int) (h - ch) / 2, (int) cw, (int) ch);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImagePreprocessing p
                && width == p.width
                && height == p.height
                && pixels.equals(p.pixels)
                && unit == p.unit
                && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std)
                && layout == p.layout
                && resize == p.resize;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {width, height, pixels, Arrays.hashCode(mean)});
    }

    @Override
    public String toString() {
        return width
                + "x"
                + height
                + " "
                + pixels
                + " "
                + layout
                + " "
                + resize.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
