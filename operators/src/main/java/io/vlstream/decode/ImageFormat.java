package io.vlstream.decode;

import java.io.ByteArrayInputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The image formats a frame may carry, with the structural checks that need no pixel decoding:
 * signature, header, and whether the file ends where the format says it must.
 */
enum ImageFormat {
    JPEG("image/jpeg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}),
    PNG("image/png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});

    private static final int PNG_IEND = 0x49454E44;

    private final String mediaType;
    private final byte[] signature;

    ImageFormat(String mediaType, byte[] signature) {
        this.mediaType = mediaType;
        this.signature = signature;
    }

    String mediaType() {
        return mediaType;
    }

    /** The format of a media type such as {@code image/jpeg}, ignoring case and parameters. */
    static Optional<ImageFormat> of(String mediaType) {
        if (mediaType == null) {
            return Optional.empty();
        }
        String bare = mediaType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (ImageFormat format : values()) {
            if (format.mediaType.equals(bare)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    boolean hasSignature(byte[] image) {
        if (image.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if (image[i] != signature[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A reader of this format with {@code image} as input; the caller disposes it. Reading from
     * memory: {@code ImageIO.createImageInputStream} would spill to temporary files.
     */
    ImageReader reader(byte[] image) throws IIOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByMIMEType(mediaType);
        if (!readers.hasNext()) {
            throw new IIOException("No ImageIO reader for " + mediaType);
        }
        ImageReader reader = readers.next();
        reader.setInput(
                new MemoryCacheImageInputStream(new ByteArrayInputStream(image)), true, true);
        return reader;
    }

    /** Why the file stops before its format's end marker, or empty if it is complete. */
    Optional<String> truncation(byte[] image) {
        return switch (this) {
            case JPEG -> jpegTruncation(image);
            case PNG -> pngTruncation(image);
        };
    }

    /** A JPEG ends with EOI (FF D9); encoders and transports may pad with zero bytes after it. */
    private static Optional<String> jpegTruncation(byte[] image) {
        int end = image.length;
        while (end > 0 && image[end - 1] == 0) {
            end--;
        }
        if (end >= 2 && image[end - 2] == (byte) 0xFF && image[end - 1] == (byte) 0xD9) {
            return Optional.empty();
        }
        return Optional.of("JPEG does not end with the EOI marker FF D9");
    }

    /** Walks the chunk lengths (no inflating) to the IEND chunk. */
    private static Optional<String> pngTruncation(byte[] image) {
        long position = PNG.signature.length;
        while (position + 8 <= image.length) {
            int at = (int) position;
            long length = readInt(image, at) & 0xFFFFFFFFL;
            int type = readInt(image, at + 4);
            long next = position + 12 + length;
            if (next > image.length) {
                return Optional.of(
                        "PNG chunk "
                                + chunkName(type)
                                + " at byte "
                                + position
                                + " declares "
                                + length
                                + " bytes but the file ends at "
                                + image.length);
            }
            if (type == PNG_IEND) {
                return Optional.empty();
            }
            position = next;
        }
        return Optional.of("PNG ends at byte " + image.length + " without its IEND chunk");
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xFF) << 24)
                | ((bytes[at + 1] & 0xFF) << 16)
                | ((bytes[at + 2] & 0xFF) << 8)
                | (bytes[at + 3] & 0xFF);
    }

    private static String chunkName(int type) {
        StringBuilder name = new StringBuilder(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            char c = (char) ((type >>> shift) & 0xFF);
            name.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return name.toString();
    }
}
