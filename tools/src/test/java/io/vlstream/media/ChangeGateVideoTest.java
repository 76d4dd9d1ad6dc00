package io.vlstream.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.analysis.ChangeGate;
import io.vlstream.avro.VideoFrame;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.decode.ImageDecoder;
import io.vlstream.fetch.SampleMedia;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The change gate on real frames of vtest.avi (pedestrians walking past parked vans): the same
 * frame is reused, a frame where people have moved is not.
 */
class ChangeGateVideoTest {

    private static final List<byte[]> thumbs = new ArrayList<>();
    private static final List<Long> pts = new ArrayList<>();

    @BeforeAll
    static void decode() throws Exception {
        ImageDecoder decoder = new ImageDecoder(DecodeLimits.defaults());
        try (VideoFileFrames video =
                VideoFileFrames.builder()
                        .setFile(SampleMedia.vtestAvi())
                        .withStreamId("cam")
                        .withPtsBaseMicros(0)
                        .withMaxFrames(11)
                        .open()) {
            while (video.hasNext()) {
                VideoFrame frame = video.next();
                BufferedImage image = decoder.decode(frame);
                thumbs.add(ChangeGate.thumbnail(image));
                pts.add(frame.getPtsMicros());
            }
        }
    }

    @Test
    void anIdenticalFrameReusesTheAnalysis() {
        ChangeGate gate = ChangeGate.defaults();
        byte[] again = thumbs.get(0).clone();

        assertThat(ChangeGate.difference(thumbs.get(0), again).mean()).isZero();
        assertThat(gate.reuse(thumbs.get(0), pts.get(0), again, pts.get(0) + 100_000)).isTrue();
    }

    @Test
    void framesWherePeopleWalkedOnAreAnalyzedAgain() {
        ChangeGate gate = ChangeGate.defaults();

        // 0.1 s later: people have taken a step.
        assertThat(gate.reuse(thumbs.get(0), pts.get(0), thumbs.get(1), pts.get(1))).isFalse();
        // 1 s later: they are somewhere else.
        assertThat(gate.reuse(thumbs.get(0), pts.get(0), thumbs.get(10), pts.get(10))).isFalse();
        ChangeGate.Difference d = ChangeGate.difference(thumbs.get(0), thumbs.get(10));
        assertThat(d.maxCell()).isGreaterThan(ChangeGate.DEFAULT_MAX_CELL_DIFF);
    }

    @Test
    void anIdenticalFrameIsAnalyzedAgainOnceTheReuseAgeHasPassed() {
        ChangeGate gate = ChangeGate.defaults();
        long later = pts.get(0) + ChangeGate.DEFAULT_MAX_REUSE_MICROS + 1;

        assertThat(gate.reuse(thumbs.get(0), pts.get(0), thumbs.get(0), later)).isFalse();
        assertThat(ChangeGate.disabled().reuse(thumbs.get(0), 0, thumbs.get(0), 1)).isFalse();
    }

    @Test
    void thumbnailsAreSmallGrayscaleAreaAverages() {
        assertThat(thumbs.get(0)).hasSize(ChangeGate.WIDTH * ChangeGate.HEIGHT);
        BufferedImage white = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                white.setRGB(x, y, x < 32 ? 0xffffff : 0x000000);
            }
        }
        byte[] t = ChangeGate.thumbnail(white);
        assertThat(t[0] & 0xff).isEqualTo(255);
        assertThat(t[ChangeGate.WIDTH - 1] & 0xff).isZero();
    }
}
