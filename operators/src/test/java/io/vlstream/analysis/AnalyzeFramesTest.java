package io.vlstream.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.avro.internal.FrameEnvelope;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.ObjectDetector;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The change gate in front of the model, with a counting fake detector and real photos. */
class AnalyzeFramesTest {

    private static final AtomicInteger CALLS = new AtomicInteger();
    private static final List<Integer> BATCHES = new CopyOnWriteArrayList<>();

    /** Images this wide make the detector throw; 0 for none. */
    private static final AtomicInteger FAIL_WIDTH = new AtomicInteger();

    /** Finds one person wherever it looks, and counts how often it is asked. */
    private static final class CountingDetector implements ObjectDetector {
        @Override
        public List<Detection> detect(BufferedImage image) {
            CALLS.incrementAndGet();
            if (image.getWidth() == FAIL_WIDTH.get()) {
                throw new IllegalStateException("cannot look at " + image.getWidth() + "px");
            }
            return List.of(new Detection("person", 0, 0.8f, new Box(1f, 1f, 20f, 40f)));
        }

        @Override
        public List<List<Detection>> detectAll(List<BufferedImage> images) {
            BATCHES.add(images.size());
            return ObjectDetector.super.detectAll(images);
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

    private static OneInputStreamOperatorTestHarness<FrameEnvelope, FrameAnalysis> open(
            AnalyzeFrames operator) throws Exception {
        var harness = new OneInputStreamOperatorTestHarness<>(operator);
        harness.open();
        return harness;
    }

    private static AnalyzeFrames batching(ModelFactory<ObjectDetector> detectors, int maxBatch) {
        return new AnalyzeFrames(
                detectors,
                null,
                DecodeLimits.defaults(),
                ChangeGate.defaults(),
                10,
                maxBatch,
                Duration.ofMillis(20));
    }

    @BeforeEach
    void reset() {
        CALLS.set(0);
        BATCHES.clear();
        FAIL_WIDTH.set(0);
    }

    @Test
    void anIdenticalFrameOfTheSameStreamReusesTheAnalysisWithoutTheModel() throws Exception {
        byte[] messi = Files.readAllBytes(SampleMedia.file("messi5.jpg"));
        byte[] court = Files.readAllBytes(SampleMedia.file("basketball1.png"));
        OneInputStreamOperatorTestHarness<FrameEnvelope, FrameAnalysis> harness =
                open(
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
                open(new AnalyzeFrames(CountingDetector::new, DecodeLimits.defaults()));

        harness.processElement(envelope("a", 1, "image/jpeg", messi, 548, 342), 0);
        harness.processElement(envelope("a", 2, "image/jpeg", messi, 548, 342), 0);

        assertThat(CALLS.get()).isEqualTo(2);
        assertThat(harness.extractOutputValues())
                .extracting(FrameAnalysis::getReusedFromSequence)
                .containsOnlyNulls();
        harness.close();
    }

    @Test
    void framesFromAllStreamsWaitForOneModelCallUntilMaxWait() throws Exception {
        byte[] messi = Files.readAllBytes(SampleMedia.file("messi5.jpg"));
        byte[] court = Files.readAllBytes(SampleMedia.file("basketball1.png"));
        var harness = open(batching(CountingDetector::new, 8));
        harness.setProcessingTime(100);

        harness.processElement(envelope("a", 1, "image/jpeg", messi, 548, 342), 0);
        harness.processElement(envelope("a", 2, "image/jpeg", messi, 548, 342), 0);
        harness.processElement(envelope("a", 3, "image/png", court, 640, 480), 0);
        harness.processElement(envelope("b", 4, "image/jpeg", messi, 548, 342), 0);
        harness.setProcessingTime(119);
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.setProcessingTime(120);

        List<FrameAnalysis> out = harness.extractOutputValues();
        assertThat(out).extracting(FrameAnalysis::getSequence).containsExactly(1L, 2L, 3L, 4L);
        // The change gate decides as one frame at a time: frame 2 reuses frame 1 of the same batch.
        assertThat(out)
                .extracting(FrameAnalysis::getReusedFromSequence)
                .containsExactly(null, 1L, null, null);
        assertThat(out.get(1).getDetections()).isEqualTo(out.get(0).getDetections());
        assertThat(BATCHES).containsExactly(3);
        harness.close();
    }

    @Test
    void aFullBatchGoesToTheModelAtOnce() throws Exception {
        byte[] court = Files.readAllBytes(SampleMedia.file("basketball1.png"));
        var harness = open(batching(CountingDetector::new, 2));

        harness.processElement(envelope("a", 1, "image/png", court, 640, 480), 0);
        harness.processElement(envelope("b", 2, "image/png", court, 640, 480), 0);
        harness.processElement(envelope("c", 3, "image/png", court, 640, 480), 0);

        assertThat(harness.extractOutputValues())
                .extracting(FrameAnalysis::getSequence)
                .containsExactly(1L, 2L);
        assertThat(BATCHES).containsExactly(2);
        harness.close();
    }

    @Test
    void aWatermarkNeverOvertakesABufferedFrame() throws Exception {
        byte[] court = Files.readAllBytes(SampleMedia.file("basketball1.png"));
        var harness = open(batching(CountingDetector::new, 8));

        harness.processElement(envelope("a", 1, "image/png", court, 640, 480), 7);
        harness.processWatermark(new Watermark(7));

        assertThat(harness.getOutput()).hasSize(2);
        Object[] output = harness.getOutput().toArray();
        assertThat(output[0]).isInstanceOf(StreamRecord.class);
        assertThat(((StreamRecord<?>) output[0]).getTimestamp()).isEqualTo(7);
        assertThat(output[1]).isEqualTo(new Watermark(7));
        harness.close();
    }

    @Test
    void nothingStaysBufferedAcrossACheckpointBarrierOrTheEndOfInput() throws Exception {
        byte[] court = Files.readAllBytes(SampleMedia.file("basketball1.png"));
        var harness = open(batching(CountingDetector::new, 8));

        harness.processElement(envelope("a", 1, "image/png", court, 640, 480), 0);
        harness.prepareSnapshotPreBarrier(1);
        assertThat(harness.extractOutputValues()).hasSize(1);

        harness.processElement(envelope("b", 2, "image/png", court, 640, 480), 0);
        harness.endInput();
        assertThat(harness.extractOutputValues())
                .extracting(FrameAnalysis::getSequence)
                .containsExactly(1L, 2L);
        harness.close();
    }

    @Test
    void whenTheModelFailsOnOneFrameOfABatchOnlyThatFrameGoesToTheDlq() throws Exception {
        byte[] messi = Files.readAllBytes(SampleMedia.file("messi5.jpg"));
        byte[] court = Files.readAllBytes(SampleMedia.file("basketball1.png"));
        FAIL_WIDTH.set(640);
        var harness = open(batching(CountingDetector::new, 3));

        harness.processElement(envelope("a", 1, "image/jpeg", messi, 548, 342), 0);
        harness.processElement(envelope("b", 2, "image/png", court, 640, 480), 0);
        // Would have reused frame 2, which failed: it is analyzed itself (and fails too).
        harness.processElement(envelope("b", 3, "image/png", court, 640, 480), 0);

        assertThat(harness.extractOutputValues())
                .extracting(FrameAnalysis::getSequence)
                .containsExactly(1L);
        assertThat(harness.getSideOutput(DeadLetters.TAG))
                .extracting(r -> r.getValue().getSourceOffset())
                .containsExactly(2L, 3L);
        harness.close();
    }
}
