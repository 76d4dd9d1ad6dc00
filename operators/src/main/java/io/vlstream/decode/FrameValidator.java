package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.Failure;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.imageio.ImageReader;

/**
 * Checks a decoded {@link VideoFrame} before its pixels are decoded: fields, media type, the image
 * header's real dimensions against the limits (a small file can declare a huge image) and against
 * the declared ones, and that the file is not cut short. Reads headers only. Thread-safe.
 */
public final class FrameValidator {

    private final DecodeLimits limits;

    /** What is wrong with a frame. */
    private record Problem(ReasonCode reason, String message) {}

    public FrameValidator(DecodeLimits limits) {
        this.limits = limits;
    }

    /**
     * The first problem with {@code frame}, or empty if its pixels may be decoded. The failure's
     * payload head is the image's, its key the stream id.
     */
    public Optional<Failure> validate(VideoFrame frame) {
        byte[] key =
                frame.getStreamId() == null
                        ? null
                        : frame.getStreamId().getBytes(StandardCharsets.UTF_8);
        return validate(frame, null, key);
    }

    /**
     * As {@link #validate(VideoFrame)}, with the failure carrying the Kafka record's own value and
     * key.
     *
     * @param value the Kafka value the frame was decoded from; null to keep the image's bytes
     */
    public Optional<Failure> validate(VideoFrame frame, byte[] value, byte[] key) {
        byte[] image = bytes(frame.getImage());
        Problem problem = check(frame, image);
        if (problem == null) {
            return Optional.empty();
        }
        String where =
                "Frame " + frame.getSequence() + " of stream '" + frame.getStreamId() + "': ";
        return Optional.of(
                Failures.of(
                        problem.reason(),
                        where + problem.message(),
                        value != null ? value : image,
                        key));
    }

    private Problem check(VideoFrame frame, byte[] image) {
        if (frame.getStreamId() == null || frame.getStreamId().isBlank()) {
            return new Problem(ReasonCode.INVALID_FIELD, "streamId is blank");
        }
        if (frame.getSequence() < 0) {
            return new Problem(
                    ReasonCode.INVALID_FIELD, "sequence " + frame.getSequence() + " is negative");
        }
        String declared = frame.getWidth() + "x" + frame.getHeight();
        if (frame.getWidth() <= 0 || frame.getHeight() <= 0) {
            return new Problem(
                    ReasonCode.INVALID_FIELD, "declared size " + declared + " is not positive");
        }
        if (!limits.allows(frame.getWidth(), frame.getHeight())) {
            return new Problem(
                    ReasonCode.IMAGE_TOO_LARGE,
                    "declared size " + declared + " exceeds the limits " + limits.describe());
        }
        Optional<ImageFormat> format = ImageFormat.of(frame.getMediaType());
        if (format.isEmpty()) {
            return new Problem(
                    ReasonCode.UNSUPPORTED_MEDIA_TYPE,
                    "media type '" + frame.getMediaType() + "' is not image/jpeg or image/png");
        }
        if (image.length == 0) {
            return new Problem(ReasonCode.INVALID_FIELD, "image is empty");
        }
        return checkImage(frame, format.get(), image, declared);
    }

    private Problem checkImage(
            VideoFrame frame, ImageFormat format, byte[] image, String declared) {
        if (!format.hasSignature(image)) {
            return new Problem(
                    ReasonCode.CORRUPT_IMAGE,
                    "declared " + format.mediaType() + " but the bytes lack its signature");
        }
        int width;
        int height;
        ImageReader reader = null;
        try {
            reader = format.reader(image);
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            return new Problem(
                    ReasonCode.CORRUPT_IMAGE,
                    "unreadable " + format.mediaType() + " header: " + e.getMessage());
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
        String real = width + "x" + height;
        if (width <= 0 || height <= 0 || !limits.allows(width, height)) {
            return new Problem(
                    ReasonCode.IMAGE_TOO_LARGE,
                    "image header says " + real + ", over the limits " + limits.describe());
        }
        if (width != frame.getWidth() || height != frame.getHeight()) {
            return new Problem(
                    ReasonCode.DIMENSION_MISMATCH,
                    "declared " + declared + " but the image header says " + real);
        }
        return format.truncation(image)
                .map(why -> new Problem(ReasonCode.TRUNCATED_IMAGE, why))
                .orElse(null);
    }

    static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return new byte[0];
        }
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }
}
