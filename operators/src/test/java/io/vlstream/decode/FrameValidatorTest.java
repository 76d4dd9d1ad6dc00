package io.vlstream.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.Failure;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameValidatorTest {

    private final FrameValidator validator = new FrameValidator(DecodeLimits.defaults());

    @Test
    void realJpegAndPngPass() {
        assertThat(validator.validate(Samples.jpegFrame(Samples.jpeg()))).isEmpty();
        assertThat(validator.validate(Samples.pngFrame(Samples.png()))).isEmpty();
    }

    @Test
    void aJpegPaddedWithZerosAfterEoiPasses() {
        assertThat(validator.validate(Samples.jpegFrame(Arrays.copyOf(Samples.jpeg(), 73_000))))
                .isEmpty();
    }

    @Test
    void imagesCutAt60PercentAreTruncated() {
        byte[] jpeg = Samples.jpeg();
        byte[] png = Samples.png();
        assertThat(reason(Samples.jpegFrame(Arrays.copyOf(jpeg, jpeg.length * 6 / 10))))
                .isEqualTo(ReasonCode.TRUNCATED_IMAGE);
        assertThat(reason(Samples.pngFrame(Arrays.copyOf(png, png.length * 6 / 10))))
                .isEqualTo(ReasonCode.TRUNCATED_IMAGE);
    }

    @Test
    void aPngWithoutIendIsTruncatedEvenWhenItsDataIsComplete() {
        byte[] png = Samples.png();
        // The IEND chunk is the last 12 bytes of the file.
        assertThat(reason(Samples.pngFrame(Arrays.copyOf(png, png.length - 12))))
                .isEqualTo(ReasonCode.TRUNCATED_IMAGE);
    }

    @Test
    void randomBytesAfterAJpegSoiAreCorrupt() {
        byte[] garbage = new byte[20_000];
        new Random(7).nextBytes(garbage);
        garbage[0] = (byte) 0xFF;
        garbage[1] = (byte) 0xD8;
        garbage[2] = (byte) 0xFF;

        Failure failure = validator.validate(Samples.jpegFrame(garbage)).orElseThrow();

        assertThat(failure.getReason()).isEqualTo(ReasonCode.CORRUPT_IMAGE);
        assertThat(failure.getMessage()).contains("lobby-1").contains("17");
    }

    @Test
    void flippedHeaderBytesAreCorrupt() {
        byte[] jpeg = Samples.jpeg();
        for (int i = 4; i < 40; i++) {
            jpeg[i] ^= (byte) 0xFF;
        }
        byte[] png = Samples.png();
        for (int i = 8; i < 16; i++) {
            png[i] ^= (byte) 0xFF; // IHDR's length and type
        }
        assertThat(reason(Samples.jpegFrame(jpeg))).isEqualTo(ReasonCode.CORRUPT_IMAGE);
        assertThat(reason(Samples.pngFrame(png))).isEqualTo(ReasonCode.CORRUPT_IMAGE);
    }

    @Test
    void aPngWhoseHeaderClaimsAHugeImageIsRejectedFromTheHeader() {
        byte[] png = Samples.png();
        writeInt(png, 16, 100_000); // IHDR width
        writeInt(png, 20, 100_000); // IHDR height
        validator.validate(Samples.jpegFrame(Samples.jpeg())); // warm up ImageIO
        long before = allocatedByThisThread();

        Failure failure = validator.validate(Samples.pngFrame(png)).orElseThrow();

        long allocated = allocatedByThisThread() - before;
        assertThat(failure.getReason()).isEqualTo(ReasonCode.IMAGE_TOO_LARGE);
        assertThat(failure.getMessage()).contains("100000x100000");
        // 100000² pixels would be tens of GB; the header check allocates a copy of the file.
        assertThat(allocated).isLessThan(16L << 20);
    }

    @Test
    void aDeclaredSizeOverTheLimitsIsTooLarge() {
        assertThat(reason(Samples.frame("image/jpeg", Samples.jpeg(), 7681, 100)))
                .isEqualTo(ReasonCode.IMAGE_TOO_LARGE);
        FrameValidator small = new FrameValidator(DecodeLimits.defaults().withMaxImage(320, 240));
        assertThat(small.validate(Samples.jpegFrame(Samples.jpeg())).orElseThrow().getReason())
                .isEqualTo(ReasonCode.IMAGE_TOO_LARGE);
    }

    @Test
    void aHeaderOverTheLimitsIsTooLargeEvenIfTheDeclaredSizeIsSmall() {
        FrameValidator small = new FrameValidator(DecodeLimits.defaults().withMaxImage(600, 400));
        VideoFrame lying = Samples.frame("image/png", Samples.png(), 320, 240);
        assertThat(small.validate(lying).orElseThrow().getReason())
                .isEqualTo(ReasonCode.IMAGE_TOO_LARGE);
    }

    @Test
    void wrongDeclaredDimensionsMismatch() {
        Failure failure =
                validator
                        .validate(Samples.frame("image/jpeg", Samples.jpeg(), 342, 548))
                        .orElseThrow();
        assertThat(failure.getReason()).isEqualTo(ReasonCode.DIMENSION_MISMATCH);
        assertThat(failure.getMessage()).contains("342x548").contains("548x342");
    }

    @Test
    void onlyJpegAndPngAreSupported() {
        assertThat(reason(Samples.frame("image/gif", Samples.jpeg(), 548, 342)))
                .isEqualTo(ReasonCode.UNSUPPORTED_MEDIA_TYPE);
        assertThat(reason(Samples.frame("IMAGE/JPEG", Samples.jpeg(), 548, 342))).isNull();
    }

    @Test
    void aPngDeclaredAsJpegIsCorrupt() {
        assertThat(reason(Samples.frame("image/jpeg", Samples.png(), 640, 480)))
                .isEqualTo(ReasonCode.CORRUPT_IMAGE);
    }

    @Test
    void badFieldsAreInvalid() {
        VideoFrame blank = Samples.jpegFrame(Samples.jpeg());
        blank.setStreamId("  ");
        VideoFrame negative = Samples.jpegFrame(Samples.jpeg());
        negative.setSequence(-1);
        VideoFrame zeroWidth = Samples.frame("image/jpeg", Samples.jpeg(), 0, 342);
        VideoFrame noImage = Samples.frame("image/jpeg", new byte[0], 548, 342);

        assertThat(reason(blank)).isEqualTo(ReasonCode.INVALID_ID);
        assertThat(reason(negative)).isEqualTo(ReasonCode.INVALID_FIELD);
        assertThat(reason(zeroWidth)).isEqualTo(ReasonCode.INVALID_FIELD);
        assertThat(reason(noImage)).isEqualTo(ReasonCode.INVALID_FIELD);
    }

    @Test
    void theFailureCarriesTheKafkaRecordWhenGiven() {
        byte[] value = new byte[300];
        byte[] key = {1, 2};
        VideoFrame frame = Samples.frame("image/gif", Samples.jpeg(), 548, 342);

        Failure failure = validator.validate(frame, value, key).orElseThrow();

        assertThat(failure.getPayloadSize()).isEqualTo(300);
        assertThat(failure.getPayloadHead().remaining()).isEqualTo(256);
        assertThat(failure.getKey()).isEqualTo(ByteBuffer.wrap(key));
    }

    private ReasonCode reason(VideoFrame frame) {
        Optional<Failure> failure = validator.validate(frame);
        return failure.map(Failure::getReason).orElse(null);
    }

    private static void writeInt(byte[] bytes, int at, int value) {
        bytes[at] = (byte) (value >>> 24);
        bytes[at + 1] = (byte) (value >>> 16);
        bytes[at + 2] = (byte) (value >>> 8);
        bytes[at + 3] = (byte) value;
    }

    static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
