package io.vlstream.decode;

import java.io.Serializable;

/**
 * Limits checked before a record or an image is decoded, so a hostile or broken producer cannot
 * make a task manager allocate more than it can hold.
 *
 * @param maxRecordBytes largest Kafka value accepted, in bytes
 * @param maxWidth widest image accepted, in pixels
 * @param maxHeight tallest image accepted, in pixels
 * @param maxPixels most pixels (width × height) accepted
 */
public record DecodeLimits(int maxRecordBytes, int maxWidth, int maxHeight, long maxPixels)
        implements Serializable {

    /** 8 MiB: a 4K JPEG is well under it; Kafka's own default message limit is 1 MiB. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 8 << 20;

    /** 8K UHD. */
    public static final int DEFAULT_MAX_WIDTH = 7680;

    public static final int DEFAULT_MAX_HEIGHT = 4320;
    public static final long DEFAULT_MAX_PIXELS = 33_177_600L;

    public DecodeLimits {
        if (maxRecordBytes <= 0 || maxWidth <= 0 || maxHeight <= 0 || maxPixels <= 0) {
            throw new IllegalArgumentException(
                    "Decode limits must be positive, got maxRecordBytes="
                            + maxRecordBytes
                            + ", maxWidth="
                            + maxWidth
                            + ", maxHeight="
                            + maxHeight
                            + ", maxPixels="
                            + maxPixels);
        }
    }

    /** The defaults: 8 MiB records, images up to 7680 × 4320. */
    public static DecodeLimits defaults() {
        return new DecodeLimits(
                DEFAULT_MAX_RECORD_BYTES,
                DEFAULT_MAX_WIDTH,
                DEFAULT_MAX_HEIGHT,
                DEFAULT_MAX_PIXELS);
    }

    public DecodeLimits withMaxRecordBytes(int bytes) {
        return new DecodeLimits(bytes, maxWidth, maxHeight, maxPixels);
    }

    /** These limits with images bounded to {@code width} × {@code height} pixels. */
    public DecodeLimits withMaxImage(int width, int height) {
        return new DecodeLimits(maxRecordBytes, width, height, (long) width * height);
    }

    /** Whether an image of these dimensions is within the limits. */
    public boolean allows(int width, int height) {
        return width <= maxWidth && height <= maxHeight && (long) width * height <= maxPixels;
    }

    String describe() {
        return maxWidth + "x" + maxHeight + " and " + maxPixels + " pixels";
    }
}
