package io.vlstream.analysis;

import io.vlstream.avro.Detection;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.avro.internal.FrameEnvelope;
import io.vlstream.decode.DeadLetters;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.decode.ImageDecodeException;
import io.vlstream.decode.ImageDecoder;
import io.vlstream.decode.RejectionCounters;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.DualEncoderFactory;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each valid frame and runs the vision model on it. A frame whose pixels cannot be decoded,
 * or that the model fails on, goes to the DLQ; the job keeps running.
 *
 * <p>Before the model, a {@link ChangeGate} compares the frame with the last frame of the same
 * stream that this instance analyzed; an almost identical frame reuses that analysis (its {@code
 * reusedFromSequence} says which) instead of running the model. The last analysis per stream is a
 * cache, not Flink state: at most {@code maxStreams} streams (least recently seen dropped first),
 * lost on restart (that costs one model call per stream). This keeps the operator rebalanced, so a
 * few busy streams still spread over every model instance; with parallelism above 1 a stream's
 * frames are compared with the last one analyzed <em>here</em>, which only lowers the reuse rate:
 * whatever it is compared with, a frame is reused only if it is almost identical to a frame that
 * was analyzed.
 */
public class AnalyzeFrames extends ProcessFunction<FrameEnvelope, FrameAnalysis> {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyzeFrames.class);
    static final String STAGE = "analyze-frames";

    private final DetectorFactory detectorFactory;
    private final DualEncoderFactory encoderFactory;
    private final DecodeLimits limits;
    private final ChangeGate gate;
    private final int maxStreams;
    private transient Map<String, LastAnalysis> lastAnalyses;
    private transient Counter reused;
    private transient ObjectDetector detector;
    private transient DualEncoder encoder;
    private transient ImageDecoder imageDecoder;
    private transient List<ModelRef> models;
    private transient Counter analyzed;
    private transient RejectionCounters rejected;
    private transient Histogram modelLatencyMs;
    private transient Histogram modelBatchSize;

    /** The last analyzed frame of a stream, as the change gate needs it. */
    private record LastAnalysis(
            byte[] thumbnail,
            long ptsMicros,
            long sequence,
            List<Detection> detections,
            List<Float> embedding) {}

    /** Every frame goes to the detector (no change gate, no dual encoder). */
    public AnalyzeFrames(DetectorFactory detectorFactory, DecodeLimits limits) {
        this(detectorFactory, null, limits, ChangeGate.disabled(), 1);
    }

    /**
     * @param encoderFactory an image-text dual encoder whose image embedding goes with each
     *     analysis, or null for none
     * @param gate decides which frames reuse the last analysis of their stream
     * @param maxStreams streams whose last analysis is kept for the gate, per instance
     */
    public AnalyzeFrames(
            DetectorFactory detectorFactory,
            DualEncoderFactory encoderFactory,
            DecodeLimits limits,
            ChangeGate gate,
            int maxStreams) {
        if (maxStreams < 1) {
            throw new IllegalArgumentException("maxStreams must be >= 1, got " + maxStreams);
        }
        this.detectorFactory = detectorFactory;
        this.encoderFactory = encoderFactory;
        this.limits = limits;
        this.gate = gate;
        this.maxStreams = maxStreams;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        detector = detectorFactory.create();
        encoder = encoderFactory == null ? null : encoderFactory.create();
        imageDecoder = new ImageDecoder(limits);
        models =
                encoder == null
                        ? List.of(detector.model())
                        : List.of(detector.model(), encoder.model());
        var metrics = getRuntimeContext().getMetricGroup();
        analyzed = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_ANALYZED);
        reused = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_REUSED);
        lastAnalyses =
                new LinkedHashMap<>(16, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, LastAnalysis> eldest) {
                        return size() > maxStreams;
                    }
                };
        rejected = new RejectionCounters(metrics);
        modelLatencyMs = VlstreamMetrics.histogram(metrics, VlstreamMetric.MODEL_LATENCY);
        modelBatchSize = VlstreamMetrics.histogram(metrics, VlstreamMetric.MODEL_BATCH_SIZE);
    }

    @Override
    public void processElement(FrameEnvelope envelope, Context ctx, Collector<FrameAnalysis> out) {
        VideoFrame frame = envelope.getFrame();
        BufferedImage image;
        try {
            image = imageDecoder.decode(frame);
        } catch (ImageDecodeException e) {
            reject(envelope, ctx, e.reason(), e.getMessage());
            return;
        }
        byte[] thumbnail = gate.enabled() ? ChangeGate.thumbnail(image) : null;
        LastAnalysis last = gate.enabled() ? lastAnalyses.get(frame.getStreamId()) : null;
        if (last != null
                && gate.reuse(
                        last.thumbnail(), last.ptsMicros(), thumbnail, frame.getPtsMicros())) {
            reused.inc();
            out.collect(
                    analysis(envelope, last.detections(), last.embedding(), 0, last.sequence()));
            return;
        }
        long start = System.nanoTime();
        List<Detection> detections;
        List<Float> embedding = List.of();
        try {
            detections = detector.detect(image);
            if (encoder != null) {
                embedding = boxed(encoder.encodeImage(image));
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "Models {} failed on stream {} frame {}",
                    models,
                    frame.getStreamId(),
                    frame.getSequence(),
                    e);
            reject(envelope, ctx, ReasonCode.MODEL_FAILURE, "Model failed: " + e);
            return;
        }
        long latencyMicros = (System.nanoTime() - start) / 1_000;
        modelLatencyMs.update(latencyMicros / 1_000);
        // One frame per detector call today; the histogram shows it when batching comes.
        modelBatchSize.update(1);
        analyzed.inc();
        if (thumbnail != null) {
            lastAnalyses.put(
                    frame.getStreamId(),
                    new LastAnalysis(
                            thumbnail,
                            frame.getPtsMicros(),
                            frame.getSequence(),
                            detections,
                            embedding));
        }
        out.collect(analysis(envelope, detections, embedding, latencyMicros, null));
    }

    private static List<Float> boxed(float[] values) {
        List<Float> list = new java.util.ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    private FrameAnalysis analysis(
            FrameEnvelope envelope,
            List<Detection> detections,
            List<Float> embedding,
            long latencyMicros,
            Long reusedFrom) {
        VideoFrame frame = envelope.getFrame();
        return FrameAnalysis.newBuilder()
                .setStreamId(frame.getStreamId())
                .setSequence(frame.getSequence())
                .setPtsMicros(frame.getPtsMicros())
                .setWidth(frame.getWidth())
                .setHeight(frame.getHeight())
                .setMediaType(frame.getMediaType())
                .setImage(frame.getImage())
                .setDetections(detections)
                .setModels(models)
                .setSource(envelope.getSource())
                .setReceivedAtMicros(envelope.getReceivedAtMicros())
                .setModelLatencyMicros(latencyMicros)
                .setReusedFromSequence(reusedFrom)
                .setEmbedding(embedding)
                .build();
    }

    private void reject(FrameEnvelope envelope, Context ctx, ReasonCode reason, String message) {
        rejected.inc(reason);
        VideoFrame frame = envelope.getFrame();
        ctx.output(
                DeadLetters.TAG,
                DeadLetters.of(
                        envelope.getSource(),
                        reason,
                        message,
                        STAGE,
                        frame.getStreamId(),
                        frame.getImage()));
    }

    @Override
    public void close() {
        if (detector != null) {
            detector.close();
        }
        if (encoder != null) {
            encoder.close();
        }
    }
}
