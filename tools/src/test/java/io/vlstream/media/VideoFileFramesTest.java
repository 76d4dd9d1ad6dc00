package io.vlstream.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.avro.VideoFrame;
import io.vlstream.fetch.SampleMedia;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding the real sample clip (vtest.avi: 768x576, 10 fps, 795 frames) into frame records. */
class VideoFileFramesTest {

    private static final long BASE = 1_700_000_000_000_000L;

    private static Path vtest;

    @BeforeAll
    static void fetchSample() throws IOException {
        vtest = SampleMedia.vtestAvi();
    }

    @Test
    void reportsFrameRateFrameCountAndSize() throws IOException {
        VideoFileFrames.VideoInfo info = VideoFileFrames.probe(vtest);

        assertThat(info.width()).isEqualTo(768);
        assertThat(info.height()).isEqualTo(576);
        assertThat(info.frameRate()).isEqualTo(10.0);
        assertThat(info.frameCount()).hasValue(795);
        assertThat(info.durationMicros()).hasValue(79_500_000L);
    }

    @Test
    void firstTwentyFramesAreDecodableJpegsTenthOfASecondApart() throws IOException {
        List<VideoFrame> frames;
        try (VideoFileFrames video =
                VideoFileFrames.builder()
                        .setFile(vtest)
                        .withStreamId("cam-1")
                        .withMaxFrames(20)
                        .withPtsBaseMicros(BASE)
                        .open()) {
            assertThat(video.info().frameRate()).isEqualTo(10.0);
            frames = video.stream().collect(Collectors.toList());
            assertThat(video.hasNext()).isFalse();
            assertThatThrownBy(video::next).isInstanceOf(NoSuchElementException.class);
        }

        assertThat(frames).hasSize(20);
        for (int i = 0; i < frames.size(); i++) {
            VideoFrame f = frames.get(i);
            assertThat(f.getStreamId()).isEqualTo("cam-1");
            assertThat(f.getSequence()).isEqualTo(i);
            assertThat(f.getPtsMicros()).isEqualTo(BASE + i * 100_000L);
            assertThat(f.getWidth()).isEqualTo(768);
            assertThat(f.getHeight()).isEqualTo(576);
            assertThat(f.getMediaType()).isEqualTo("image/jpeg");
            assertThat(f.getMetadata()).containsEntry("source", "vtest.avi");
            BufferedImage decoded = decode(f.getImage());
            assertThat(decoded.getWidth()).isEqualTo(768);
            assertThat(decoded.getHeight()).isEqualTo(576);
        }
        // A real picture, not a blank one: the pixels vary.
        BufferedImage first = decode(frames.get(0).getImage());
        assertThat(first.getRGB(100, 100)).isNotEqualTo(first.getRGB(700, 500));
        // The people move: consecutive frames differ.
        assertThat(frames.get(0).getImage()).isNotEqualTo(frames.get(19).getImage());
    }

    @Test
    void everyNthFrameKeepsSourceSequenceAndTimestamps() throws IOException {
        List<VideoFrame> frames;
        try (VideoFileFrames video =
                VideoFileFrames.builder()
                        .setFile(vtest)
                        .withMaxFrames(4)
                        .withEveryNthFrame(5)
                        .withPtsBaseMicros(0)
                        .open()) {
            frames = video.stream().collect(Collectors.toList());
        }

        assertThat(frames).extracting(VideoFrame::getSequence).containsExactly(0L, 5L, 10L, 15L);
        assertThat(frames)
                .extracting(VideoFrame::getPtsMicros)
                .containsExactly(0L, 500_000L, 1_000_000L, 1_500_000L);
        assertThat(frames).extracting(VideoFrame::getStreamId).containsOnly("vtest");
    }

    @Test
    void lowerJpegQualityGivesSmallerImages() throws IOException {
        int high = firstFrameBytes(0.95f);
        int low = firstFrameBytes(0.3f);
        assertThat(low).isLessThan(high / 2);
    }

    @Test
    void aMissingFileIsNamedInTheError(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-clip.mp4");

        assertThatThrownBy(() -> VideoFileFrames.open(missing))
                .isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("video file not found");
    }

    @Test
    void aFileThatIsNotAVideoIsNamedInTheError(@TempDir Path dir) throws IOException {
        Path text =
                Files.writeString(dir.resolve("notes.avi"), "not a video", StandardCharsets.UTF_8);

        assertThatThrownBy(() -> VideoFileFrames.open(text))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot open video file " + text);
    }

    @Test
    void badOptionsAreRejectedWithTheFix() {
        assertThatThrownBy(() -> VideoFileFrames.builder().open()).hasMessageContaining("setFile");
        assertThatThrownBy(
                        () -> VideoFileFrames.builder().setFile(vtest).withJpegQuality(85).open())
                .hasMessageContaining("between 0 and 1");
        assertThatThrownBy(
                        () -> VideoFileFrames.builder().setFile(vtest).withEveryNthFrame(0).open())
                .hasMessageContaining("1 (every frame) or more");
    }

    private static int firstFrameBytes(float quality) throws IOException {
        try (VideoFileFrames video =
                VideoFileFrames.builder().setFile(vtest).withJpegQuality(quality).open()) {
            return video.next().getImage().remaining();
        }
    }

    private static BufferedImage decode(ByteBuffer jpeg) throws IOException {
        ByteBuffer copy = jpeg.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image).as("a decodable JPEG").isNotNull();
        return image;
    }
}
