package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.Failure;
import io.vlstream.deadletter.Failures;
import io.vlstream.internal.WallClock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.LongSupplier;
import javax.imageio.ImageReader;

/**
 * Checks a decoded {@link VideoFrame} before its pixels are decoded: fields against the {@link
 * InputLimits} (id, pts against the task manager's clock, media type, metadata), the image header's
 * real dimensions against the {@link DecodeLimits} (a small file can declare a huge image) and
 * against the declared ones, and that the file is not cut short. Reads headers only. Thread-safe.
 */
public final class FrameValidator {

    private final DecodeLimits limits;
    private final InputLimits fields;
    private final LongSupplier nowMicros;

    /** With the default field limits and the wall clock. */
    public FrameValidator(DecodeLimits limits) {
        this(limits, InputLimits.defaults(), WallClock::nowMicros);
    }

    /**
     * @param nowMicros the clock a frame's pts is checked against, in microseconds since the epoch
     */
    public FrameValidator(DecodeLimits limits, InputLimits fields, LongSupplier nowMicros) {
        this.limits = limits;
        this.fields = fields;
        this.nowMicros = nowMicros;
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
        Violation problem = check(frame, image);
        if (problem == null) {
            return Optional.empty();
        }
        String where =
                "Frame "
                        + frame.getSequence()
                        + " of stream '"
                        + FieldChecks.preview(frame.getStreamId())
                        + "': ";
        return Optional.of(
                Failures.of(
                        problem.reason(),
                        where + problem.message(),
                        value != null ? value : image,
                        key));
    }

    private Violation check(VideoFrame frame, byte[] image) {
        Violation id = FieldChecks.id("streamId", frame.getStreamId(), fields.maxIdChars());
        if (id != null) {
            return id;
        }
        Violation fieldProblem = checkFields(frame);
        if (fieldProblem != null) {
            return fieldProblem;
        }
        if (frame.getSequence() < 0) {
            return new Violation(
                    ReasonCode.INVALID_FIELD, "sequence " + frame.getSequence() + " is negative");
        }
        String declared = frame.getWidth() + "x" + frame.getHeight();
        if (frame.getWidth() <= 0 || frame.getHeight() <= 0) {
            return new Violation(
                    ReasonCode.INVALID_FIELD, "declared size " + declared + " is not positive");
        }
        if (!limits.allows(frame.getWidth(), frame.getHeight())) {
            return new Violation(
                    ReasonCode.IMAGE_TOO_LARGE,
                    "declared size " + declared + " exceeds the limits " + limits.describe());
        }
        Optional<ImageFormat> format = ImageFormat.of(frame.getMediaType());
        if (format.isEmpty()) {
            return new Violation(
                    ReasonCode.UNSUPPORTED_MEDIA_TYPE,
                    "media type '"
                            + FieldChecks.preview(frame.getMediaType())
                            + "' is not image/jpeg or image/png");
        }
        if (image.length == 0) {
            return new Violation(ReasonCode.INVALID_FIELD, "image is empty");
        }
        return checkImage(frame, format.get(), image, declared);
    }

    /** The pts against the clock, then the media type and metadata against their limits. */
    private Violation checkFields(VideoFrame frame) {
        Violation pts =
                FieldChecks.timestamp(
                        "ptsMicros",
                        frame.getPtsMicros(),
                        nowMicros.getAsLong(),
                        fields.maxPtsAhead(),
                        fields.maxPtsBehind());
        if (pts != null) {
            return pts;
        }
        Violation mediaType =
                FieldChecks.length("mediaType", frame.getMediaType(), fields.maxMediaTypeChars());
        if (mediaType != null) {
            return mediaType;
        }
        return FieldChecks.metadata(
                frame.getMetadata(), fields.maxMetadataEntries(), fields.maxMetadataBytes());
    }

    private Violation checkImage(
            VideoFrame frame, ImageFormat format, byte[] image, String declared) {
        if (!format.hasSignature(image)) {
            return new Violation(
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
            return new Violation(
                    ReasonCode.CORRUPT_IMAGE,
                    "unreadable " + format.mediaType() + " header: " + e.getMessage());
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
        String real = width + "x" + height;
        if (width <= 0 || height <= 0 || !limits.allows(width, height)) {
            return new Violation(
                    ReasonCode.IMAGE_TOO_LARGE,
                    "image header says " + real + ", over the limits " + limits.describe());
        }
        if (width != frame.getWidth() || height != frame.getHeight()) {
            return new Violation(
                    ReasonCode.DIMENSION_MISMATCH,
                    "declared " + declared + " but the image header says " + real);
        }
        return format.truncation(image)
                .map(why -> new Violation(ReasonCode.TRUNCATED_IMAGE, why))
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
