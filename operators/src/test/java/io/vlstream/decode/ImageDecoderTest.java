package io.vlstream.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());

    @Test
    void realJpegAndPngDecodeToTheirSize() throws Exception {
        BufferedImage jpeg = decoder.decode(Samples.jpegFrame(Samples.jpeg()));
        BufferedImage png = decoder.decode(Samples.pngFrame(Samples.png()));

        assertThat(jpeg.getWidth()).isEqualTo(Samples.JPEG_WIDTH);
        assertThat(jpeg.getHeight()).isEqualTo(Samples.JPEG_HEIGHT);
        assertThat(png.getWidth()).isEqualTo(Samples.PNG_WIDTH);
        assertThat(png.getHeight()).isEqualTo(Samples.PNG_HEIGHT);
    }

    @Test
    void aJpegCutShortIsTruncated() {
        byte[] jpeg = Samples.jpeg();
        assertReason(
                Samples.jpegFrame(Arrays.copyOf(jpeg, jpeg.length * 6 / 10)),
                ReasonCode.TRUNCATED_IMAGE);
    }

    @Test
    void aJpegCutShortWithAForgedEndMarkerIsTruncated() {
        // Passes the structural check; libjpeg warns "Premature end of JPEG file" and would
        // return a half-grey image if warnings were ignored.
        byte[] jpeg = Samples.jpeg();
        byte[] cut = Arrays.copyOf(jpeg, jpeg.length * 6 / 10 + 2);
        cut[cut.length - 2] = (byte) 0xFF;
        cut[cut.length - 1] = (byte) 0xD9;

        assertThatThrownBy(() -> decoder.decode(Samples.jpegFrame(cut)))
                .isInstanceOfSatisfying(
                        ImageDecodeException.class,
                        e -> {
                            assertThat(e.reason()).isEqualTo(ReasonCode.TRUNCATED_IMAGE);
                            assertThat(e.streamId()).isEqualTo("lobby-1");
                            assertThat(e.sequence()).isEqualTo(17L);
                        })
                .hasMessageContaining("lobby-1")
                .hasMessageContaining("17");
    }

    @Test
    void aJpegWithGarbledScanDataIsCorrupt() {
        byte[] jpeg = Samples.jpeg();
        for (int i = jpeg.length / 2; i < jpeg.length / 2 + 64; i++) {
            jpeg[i] = (byte) 0xFF;
        }
        assertReason(Samples.jpegFrame(jpeg), ReasonCode.CORRUPT_IMAGE);
    }

    @Test
    void aPngWithGarbledImageDataIsCorrupt() {
        byte[] png = Samples.png();
        for (int i = png.length / 2; i < png.length / 2 + 64; i++) {
            png[i] ^= (byte) 0x5A;
        }
        assertReason(Samples.pngFrame(png), ReasonCode.CORRUPT_IMAGE);
    }

    @Test
    void aPngCutShortIsTruncated() {
        byte[] png = Samples.png();
        assertReason(
                Samples.pngFrame(Arrays.copyOf(png, png.length * 6 / 10)),
                ReasonCode.TRUNCATED_IMAGE);
    }

    @Test
    void aHugeHeaderIsRefusedBeforePixelsAreAllocated() {
        byte[] png = Samples.png();
        png[16] = 0;
        png[17] = 1; // width 65536 + 640
        assertReason(Samples.pngFrame(png), ReasonCode.IMAGE_TOO_LARGE);
    }

    @Test
    void notAnImageIsCorrupt() {
        VideoFrame frame = Samples.frame("image/png", new byte[] {1, 2, 3, 4}, 640, 480);
        assertReason(frame, ReasonCode.CORRUPT_IMAGE);
    }

    private void assertReason(VideoFrame frame, ReasonCode reason) {
        assertThatThrownBy(() -> decoder.decode(frame))
                .isInstanceOfSatisfying(
                        ImageDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining("Frame 17 of stream 'lobby-1'");
    }
}
