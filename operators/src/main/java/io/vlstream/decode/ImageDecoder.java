package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;

/**
 * Decodes a frame's pixels with ImageIO. Strict: ImageIO's warnings (libjpeg's "Premature end of
 * JPEG file" among them, after which it returns a grey-filled image) are errors, and the header is
 * checked against the limits again before any pixel is allocated, so the decoder is safe even where
 * {@link FrameValidator} did not run. Thread-safe: one ImageIO reader per call.
 */
public final class ImageDecoder {

    private final DecodeLimits limits;

    public ImageDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    /**
     * @throws ImageDecodeException with {@link ReasonCode#CORRUPT_IMAGE}, {@link
     *     ReasonCode#TRUNCATED_IMAGE}, {@link ReasonCode#IMAGE_TOO_LARGE} or {@link
     *     ReasonCode#UNSUPPORTED_MEDIA_TYPE}
     */
    public BufferedImage decode(VideoFrame frame) throws ImageDecodeException {
        String stream = frame.getStreamId();
        long sequence = frame.getSequence();
        ImageFormat format =
                ImageFormat.of(frame.getMediaType())
                        .orElseThrow(
                                () ->
                                        new ImageDecodeException(
                                                ReasonCode.UNSUPPORTED_MEDIA_TYPE,
                                                stream,
                                                sequence,
                                                "media type '"
                                                        + frame.getMediaType()
                                                        + "' is not image/jpeg or image/png",
                                                null));
        byte[] image = FrameValidator.bytes(frame.getImage());
        if (!format.hasSignature(image)) {
            throw new ImageDecodeException(
                    ReasonCode.CORRUPT_IMAGE,
                    stream,
                    sequence,
                    "not a " + format.mediaType() + " (no signature)",
                    null);
        }
        Optional<String> truncation = format.truncation(image);
        if (truncation.isPresent()) {
            throw new ImageDecodeException(
                    ReasonCode.TRUNCATED_IMAGE, stream, sequence, truncation.get(), null);
        }
        List<String> warnings = new ArrayList<>();
        ImageReader reader = null;
        BufferedImage decoded;
        try {
            reader = format.reader(image);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width <= 0 || height <= 0 || !limits.allows(width, height)) {
                throw new ImageDecodeException(
                        ReasonCode.IMAGE_TOO_LARGE,
                        stream,
                        sequence,
                        "image header says "
                                + width
                                + "x"
                                + height
                                + ", over the limits "
                                + limits.describe(),
                        null);
            }
            reader.addIIOReadWarningListener(
                    (IIOReadWarningListener) (source, warning) -> warnings.add(warning));
            decoded = reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException(
                    looksTruncated(e) ? ReasonCode.TRUNCATED_IMAGE : ReasonCode.CORRUPT_IMAGE,
                    stream,
                    sequence,
                    "cannot decode " + format.mediaType() + ": " + e.getMessage(),
                    e);
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
        if (!warnings.isEmpty()) {
            boolean truncated =
                    warnings.stream().anyMatch(w -> w.toLowerCase().contains("premature end"));
            throw new ImageDecodeException(
                    truncated ? ReasonCode.TRUNCATED_IMAGE : ReasonCode.CORRUPT_IMAGE,
                    stream,
                    sequence,
                    format.mediaType() + " decoded with warnings: " + String.join("; ", warnings),
                    null);
        }
        if (decoded == null) {
            throw new ImageDecodeException(
                    ReasonCode.CORRUPT_IMAGE, stream, sequence, "ImageIO returned no image", null);
        }
        return decoded;
    }

    private static boolean looksTruncated(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase();
            if (t instanceof EOFException
                    || message.contains("premature end")
                    || message.contains("unexpected end")) {
                return true;
            }
        }
        return false;
    }
}
