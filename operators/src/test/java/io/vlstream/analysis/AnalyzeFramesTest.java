package io.vlstream.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.avro.internal.FrameEnvelope;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.fetch.SampleMedia;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The change gate in front of the model, with a counting fake detector and real photos. */
class AnalyzeFramesTest {

    private static final AtomicInteger CALLS = new AtomicInteger();

    /** Finds one person wherever it looks, and counts how often it is asked. */
    private static final class CountingDetector implements ObjectDetector {
        @Override
        public List<Detection> detect(BufferedImage image) {
            CALLS.incrementAndGet();
            return List.of(new Detection("person", 0, 0.8f, new Box(1f, 1f, 20f, 40f)));
        }

        @Override
        public ModelRef model() {
            return new ModelRef("detector", "counting", "1");
        }

        @Override
        public List<String> labels() {
            return List.of("person");
        }

        @Override
        public void close() {}
    }

    private static FrameEnvelope envelope(
            String stream, long sequence, String media, byte[] image, int w, int h) {
        VideoFrame frame =
                VideoFrame.newBuilder()
                        .setStreamId(stream)
                        .setSequence(sequence)
                        .setPtsMicros(sequence * 100_000L)
                        .setWidth(w)
                        .setHeight(h)
                        .setMediaType(media)
                        .setImage(ByteBuffer.wrap(image))
                        .setMetadata(Map.of())
                        .build();
        return FrameEnvelope.newBuilder()
                .setSource(new SourceRef("vlstream.frames", 0, sequence))
                .setReceivedAtMicros(0)
                .setFrame(frame)
                .build();
    }

    @BeforeEach
    void reset() {
        CALLS.set(0);
    }

    @Test
    void anIdenticalFrameOfTheSameStreamReusesTheAnalysisWithoutTheModel() throws Exception {
        byte[] messi = Files.readAllBytes(SampleMedia.file("messi5.jpg"));
        byte[] court = Files.readAllBytes(SampleMedia.file("basketball1.png"));
        OneInputStreamOperatorTestHarness<FrameEnvelope, FrameAnalysis> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new AnalyzeFrames(
                                CountingDetector::new,
                                null,
                                DecodeLimits.defaults(),
                                ChangeGate.defaults(),
                                10));

        harness.processElement(envelope("a", 1, "image/jpeg", messi, 548, 342), 0);
        harness.processElement(envelope("a", 2, "image/jpeg", messi, 548, 342), 0);
        harness.processElement(envelope("a", 3, "image/png", court, 640, 480), 0);
        // Another stream never reuses stream a's analysis.
        harness.processElement(envelope("b", 4, "image/jpeg", messi, 548, 342), 0);

        List<FrameAnalysis> out = harness.extractOutputValues();
        assertThat(out).extracting(FrameAnalysis::getSequence).containsExactly(1L, 2L, 3L, 4L);
        assertThat(out)
                .extracting(FrameAnalysis::getReusedFromSequence)
                .containsExactly(null, 1L, null, null);
        assertThat(out.get(1).getDetections()).isEqualTo(out.get(0).getDetections());
        assertThat(CALLS.get()).isEqualTo(3);
        harness.close();
    }

    @Test
    void withTheGateOffEveryFrameGoesToTheModel() throws Exception {
        byte[] messi = Files.readAllBytes(SampleMedia.file("messi5.jpg"));
        OneInputStreamOperatorTestHarness<FrameEnvelope, FrameAnalysis> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new AnalyzeFrames(CountingDetector::new, DecodeLimits.defaults()));

        harness.processElement(envelope("a", 1, "image/jpeg", messi, 548, 342), 0);
        harness.processElement(envelope("a", 2, "image/jpeg", messi, 548, 342), 0);

        assertThat(CALLS.get()).isEqualTo(2);
        assertThat(harness.extractOutputValues())
                .extracting(FrameAnalysis::getReusedFromSequence)
                .containsOnlyNulls();
        harness.close();
    }
}
