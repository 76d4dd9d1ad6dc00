package io.vlstream.analysis;

import io.vlstream.avro.Detection;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.avro.internal.FrameEnvelope;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.decode.ImageDecodeException;
import io.vlstream.decode.ImageDecoder;
import io.vlstream.decode.RejectionCounters;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.GpuDevices;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.ObjectDetector;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.event.WatermarkEvent;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each valid frame and runs the vision models on micro-batches of frames from all streams.
 * A frame whose pixels cannot be decoded, or that the model fails on, goes to the DLQ; the job
 * keeps running.
 *
 * <p><b>Batching.</b> Decoded frames wait in a {@link MicroBatch} until {@code maxBatchSize} are in
 * or the oldest has waited {@code maxBatchWait} (a processing-time timer); then the detector
 * ({@link ObjectDetector#detectAll}) and the image encoder ({@code encodeImages}) run once on the
 * batch. The batch is also flushed before a watermark is forwarded (so a watermark never overtakes
 * a buffered frame), before a checkpoint barrier ({@link #prepareSnapshotPreBarrier}: nothing is
 * buffered across a checkpoint, so there is no state) and at the end of input. When a batch call
 * fails, each frame of it is retried alone, so only the frame the model fails on goes to the DLQ.
 *
 * <p><b>Change gate.</b> Before the model, a {@link ChangeGate} compares the frame with the last
 * frame of the same stream that this instance analyzed; an almost identical frame reuses that
 * analysis (its {@code reusedFromSequence} says which) instead of running the model. {@link
 * GateReplay} plans each batch so that batching does not change which frames are reused; {@link
 * ModelRunner} makes the model calls. The last analysis per stream is a cache, lost on restart
 * (that costs one model call per stream). This keeps the operator rebalanced, so a few busy streams
 * still spread over every model instance; with parallelism above 1 a stream's frames are compared
 * with the last one analyzed <em>here</em>, which only lowers the reuse rate.
 *
 * <p>This class is the Flink part only: decoding, the batch and its timer, and records out.
 */
public class AnalyzeFrames extends AbstractStreamOperator<FrameAnalysis>
        implements OneInputStreamOperator<FrameEnvelope, FrameAnalysis>, BoundedOneInput {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AnalyzeFrames.class);
    static final String STAGE = "analyze-frames";

    private final ModelFactory<ObjectDetector> detectorFactory;
    private final ModelFactory<DualEncoder> encoderFactory;
    private final DecodeLimits limits;
    private final ChangeGate gate;
    private final int maxStreams;
    private final int maxBatchSize;
    private final Duration maxBatchWait;
    private transient GateReplay replay;
    private transient MicroBatch<Pending> batch;
    private transient ScheduledFuture<?> batchTimer;
    private transient ModelRunner models;
    private transient ImageDecoder imageDecoder;
    private transient Counter analyzed;
    private transient Counter reused;
    private transient RejectionCounters rejected;

    /** A decoded frame waiting for the model, with the timestamp of its record. */
    private record Pending(
            FrameEnvelope envelope, BufferedImage image, byte[] thumbnail, Long timestamp) {

        GateReplay.Frame gateFrame() {
            VideoFrame frame = envelope.getFrame();
            return new GateReplay.Frame(
                    frame.getStreamId(), frame.getSequence(), frame.getPtsMicros(), thumbnail);
        }
    }

    /** Every frame goes to the detector, one at a time (no change gate, no dual encoder). */
    public AnalyzeFrames(ModelFactory<ObjectDetector> detectorFactory, DecodeLimits limits) {
        this(detectorFactory, null, limits, ChangeGate.disabled(), 1);
    }

    /** One frame per model call; see the full constructor. */
    public AnalyzeFrames(
            ModelFactory<ObjectDetector> detectorFactory,
            ModelFactory<DualEncoder> encoderFactory,
            DecodeLimits limits,
            ChangeGate gate,
            int maxStreams) {
        this(detectorFactory, encoderFactory, limits, gate, maxStreams, 1, Duration.ZERO);
    }

    /**
     * @param encoderFactory an image-text dual encoder whose image embedding goes with each
     *     analysis, or null for none
     * @param gate decides which frames reuse the last analysis of their stream
     * @param maxStreams streams whose last analysis is kept for the gate, per instance
     * @param maxBatchSize frames per model call at most
     * @param maxBatchWait how long the first frame of a batch waits for more at most
     */
    public AnalyzeFrames(
            ModelFactory<ObjectDetector> detectorFactory,
            ModelFactory<DualEncoder> encoderFactory,
            DecodeLimits limits,
            ChangeGate gate,
            int maxStreams,
            int maxBatchSize,
            Duration maxBatchWait) {
        // Checked here, at job build time, rather than in open().
        new GateReplay(gate, maxStreams);
        new MicroBatch<>(maxBatchSize, maxBatchWait);
        this.detectorFactory = detectorFactory;
        this.encoderFactory = encoderFactory;
        this.limits = limits;
        this.gate = gate;
        this.maxStreams = maxStreams;
        this.maxBatchSize = maxBatchSize;
        this.maxBatchWait = maxBatchWait;
    }

    @Override
    public void open() throws Exception {
        super.open();
        var gpus = getRuntimeContext().getExternalResourceInfos(GpuDevices.RESOURCE);
        var metrics = getRuntimeContext().getMetricGroup();
        Histogram latencyMs = VlstreamMetrics.histogram(metrics, VlstreamMetric.MODEL_LATENCY);
        Histogram batchSize = VlstreamMetrics.histogram(metrics, VlstreamMetric.MODEL_BATCH_SIZE);
        ObjectDetector detector = GpuDevices.open(detectorFactory, gpus, "the detector");
        DualEncoder encoder;
        try {
            encoder =
                    encoderFactory == null
                            ? null
                            : GpuDevices.open(encoderFactory, gpus, "the dual encoder");
        } catch (RuntimeException | IOException e) {
            // Not owned by the runner yet (which close() closes): close it here.
            detector.close();
            throw e;
        }
        models = new ModelRunner(detector, encoder, latencyMs::update, batchSize::update);
        imageDecoder = new ImageDecoder(limits);
        replay = new GateReplay(gate, maxStreams);
        batch = new MicroBatch<>(maxBatchSize, maxBatchWait);
        analyzed = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_ANALYZED);
        reused = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_REUSED);
        rejected = new RejectionCounters(metrics);
    }

    @Override
    public void processElement(StreamRecord<FrameEnvelope> record) {
        FrameEnvelope envelope = record.getValue();
        Long timestamp = record.hasTimestamp() ? record.getTimestamp() : null;
        BufferedImage image;
        try {
            image = imageDecoder.decode(envelope.getFrame());
        } catch (ImageDecodeException e) {
            reject(envelope, timestamp, e.reason(), e.getMessage());
            return;
        }
        byte[] thumbnail = gate.enabled() ? ChangeGate.thumbnail(image) : null;
        boolean wasEmpty = batch.isEmpty();
        long now = getProcessingTimeService().getCurrentProcessingTime();
        if (batch.add(new Pending(envelope, image, thumbnail, timestamp), now)) {
            flush();
        } else if (wasEmpty) {
            batchTimer =
                    getProcessingTimeService()
                            .registerTimer(
                                    batch.deadline(),
                                    time -> {
                                        if (batch.isDue(time)) {
                                            flush();
                                        }
                                    });
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void processWatermark(WatermarkEvent watermark) throws Exception {
        flush();
        super.processWatermark(watermark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    /** Runs the models on the buffered frames and emits every one of them, in arrival order. */
    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        if (batchTimer != null) {
            batchTimer.cancel(false);
            batchTimer = null;
        }
        List<Pending> pending = batch.drain();
        List<GateReplay.Frame> frames = new ArrayList<>(pending.size());
        List<BufferedImage> images = new ArrayList<>(pending.size());
        for (Pending p : pending) {
            frames.add(p.gateFrame());
            images.add(p.image());
        }
        Map<Integer, ModelResult> results = new HashMap<>();
        for (List<Integer> need = replay.needModel(frames, results);
                !need.isEmpty();
                need = replay.needModel(frames, results)) {
            models.run(images, need, results);
        }
        List<GateReplay.Decision> decisions = replay.decide(frames, results);
        for (int i = 0; i < pending.size(); i++) {
            emit(pending.get(i), decisions.get(i));
        }
    }

    private void emit(Pending p, GateReplay.Decision decision) {
        if (decision instanceof GateReplay.Reused r) {
            reused.inc();
            collect(p, analysis(p.envelope(), r.detections(), r.embedding(), 0, r.fromSequence()));
        } else if (decision instanceof GateReplay.Analyzed a) {
            analyzed.inc();
            ModelResult result = a.result();
            collect(
                    p,
                    analysis(
                            p.envelope(),
                            result.detections(),
                            result.embedding(),
                            result.latencyMicros(),
                            null));
        } else if (decision instanceof GateReplay.Failed f) {
            VideoFrame frame = p.envelope().getFrame();
            LOG.warn(
                    "Models {} failed on stream {} frame {}",
                    models.models(),
                    frame.getStreamId(),
                    frame.getSequence(),
                    f.failure());
            reject(
                    p.envelope(),
                    p.timestamp(),
                    ReasonCode.MODEL_FAILURE,
                    "Model failed: " + f.failure());
        }
    }

    private void collect(Pending p, FrameAnalysis analysis) {
        output.collect(
                p.timestamp() == null
                        ? new StreamRecord<>(analysis)
                        : new StreamRecord<>(analysis, p.timestamp()));
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
                .setModels(models.models())
                .setSource(envelope.getSource())
                .setReceivedAtMicros(envelope.getReceivedAtMicros())
                .setModelLatencyMicros(latencyMicros)
                .setReusedFromSequence(reusedFrom)
                .setEmbedding(embedding)
                .build();
    }

    private void reject(FrameEnvelope envelope, Long timestamp, ReasonCode reason, String message) {
        rejected.inc(reason);
        VideoFrame frame = envelope.getFrame();
        var deadLetter =
                DeadLetters.of(
                        envelope.getSource(),
                        reason,
                        message,
                        STAGE,
                        frame.getStreamId(),
                        frame.getImage());
        output.collect(
                DeadLetters.TAG,
                timestamp == null
                        ? new StreamRecord<>(deadLetter)
                        : new StreamRecord<>(deadLetter, timestamp));
    }

    @Override
    public void close() throws Exception {
        try {
            if (models != null) {
                models.close();
            }
        } finally {
            super.close();
        }
    }
}
