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
import java.util.List;
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
 */
public class AnalyzeFrames extends ProcessFunction<FrameEnvelope, FrameAnalysis> {

    private static final Logger LOG = LoggerFactory.getLogger(AnalyzeFrames.class);
    static final String STAGE = "analyze-frames";

    private final DetectorFactory detectorFactory;
    private final DualEncoderFactory encoderFactory;
    private final DecodeLimits limits;
    private transient ObjectDetector detector;
    private transient DualEncoder encoder;
    private transient ImageDecoder imageDecoder;
    private transient List<ModelRef> models;
    private transient Counter analyzed;
    private transient RejectionCounters rejected;
    private transient Histogram modelLatencyMs;
    private transient Histogram modelBatchSize;

    /**
     * @param encoderFactory an image-text dual encoder whose image embedding goes with each
     *     analysis, or null for none
     */
    public AnalyzeFrames(
            DetectorFactory detectorFactory, DualEncoderFactory encoderFactory, DecodeLimits limits) {
        this.detectorFactory = detectorFactory;
        this.encoderFactory = encoderFactory;
        this.limits = limits;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        detector = detectorFactory.create();
        encoder = encoderFactory == null ? null : encoderFactory.create();
        imageDecoder = new ImageDecoder(limits);
        models = encoder == null ? List.of(detector.model()) : List.of(detector.model(), encoder.model());
        var metrics = getRuntimeContext().getMetricGroup();
        analyzed = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_ANALYZED);
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
        out.collect(
                FrameAnalysis.newBuilder()
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
                        .setEmbedding(embedding)
                        .build());
    }

    private static List<Float> boxed(float[] values) {
        List<Float> list = new java.util.ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
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
