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
import io.vlstream.model.GpuDevices;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.ObjectDetector;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * analysis (its {@code reusedFromSequence} says which) instead of running the model. Batching does
 * not change which frames are reused: the gate decisions are replayed in arrival order when the
 * batch is flushed, a frame may reuse an earlier frame of the same batch, and if the model fails on
 * that earlier frame the later one is compared with what came before it, as one at a time. The last
 * analysis per stream is a cache, not Flink state: at most {@code maxStreams} streams (least
 * recently seen dropped first), lost on restart (that costs one model call per stream). This keeps
 * the operator rebalanced, so a few busy streams still spread over every model instance; with
 * parallelism above 1 a stream's frames are compared with the last one analyzed <em>here</em>,
 * which only lowers the reuse rate.
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
    private transient Map<String, LastAnalysis> lastAnalyses;
    private transient MicroBatch<Pending> batch;
    private transient ScheduledFuture<?> batchTimer;
    private transient Counter reused;
    private transient ObjectDetector detector;
    private transient DualEncoder encoder;
    private transient ImageDecoder imageDecoder;
    private transient List<ModelRef> models;
    private transient Counter analyzed;
    private transient RejectionCounters rejected;
    private transient Histogram modelLatencyMs;
    private transient Histogram modelBatchSize;

    /**
     * The last analyzed frame of a stream, as the change gate needs it; detections and embedding
     * are null while its model results are not known yet (only while a batch is planned).
     */
    private record LastAnalysis(
            byte[] thumbnail,
            long ptsMicros,
            long sequence,
            List<Detection> detections,
            List<Float> embedding) {}

    /** A decoded frame waiting for the model, with the timestamp of its record. */
    private record Pending(
            FrameEnvelope envelope, BufferedImage image, byte[] thumbnail, Long timestamp) {}

    /** What the models made of one frame: detections and embedding, or the failure. */
    private record ModelResult(
            List<Detection> detections,
            List<Float> embedding,
            long latencyMicros,
            RuntimeException failure) {}

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
        if (maxStreams < 1) {
            throw new IllegalArgumentException("maxStreams must be >= 1, got " + maxStreams);
        }
        // Checked here, at job build time, rather than in open().
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
        detector = GpuDevices.open(detectorFactory, gpus, "the detector");
        encoder =
                encoderFactory == null
                        ? null
                        : GpuDevices.open(encoderFactory, gpus, "the dual encoder");
        imageDecoder = new ImageDecoder(limits);
        models =
                encoder == null
                        ? List.of(detector.model())
                        : List.of(detector.model(), encoder.model());
        var metrics = getRuntimeContext().getMetricGroup();
        analyzed = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_ANALYZED);
        reused = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_REUSED);
        lastAnalyses = newCache();
        batch = new MicroBatch<>(maxBatchSize, maxBatchWait);
        rejected = new RejectionCounters(metrics);
        modelLatencyMs = VlstreamMetrics.histogram(metrics, VlstreamMetric.MODEL_LATENCY);
        modelBatchSize = VlstreamMetrics.histogram(metrics, VlstreamMetric.MODEL_BATCH_SIZE);
    }

    private Map<String, LastAnalysis> newCache() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LastAnalysis> eldest) {
                return size() > maxStreams;
            }
        };
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
        List<Pending> frames = batch.drain();
        Map<Integer, ModelResult> results = new HashMap<>();
        while (true) {
            // Plan on a copy of the cache: which frames need the model, given what is known.
            // Only the batch's streams matter, unless the cache may drop entries meanwhile.
            Map<String, LastAnalysis> plan = newCache();
            if (gate.enabled() && lastAnalyses.size() + frames.size() > maxStreams) {
                plan.putAll(lastAnalyses);
            } else if (gate.enabled()) {
                for (Pending p : frames) {
                    String stream = p.envelope().getFrame().getStreamId();
                    LastAnalysis last = lastAnalyses.get(stream);
                    if (last != null) {
                        plan.put(stream, last);
                    }
                }
            }
            List<Integer> unknown = walk(frames, results, plan, false);
            if (unknown.isEmpty()) {
                break;
            }
            runModels(frames, unknown, results);
        }
        walk(frames, results, lastAnalyses, true);
    }

    /**
     * Replays the change gate over the batch in arrival order against {@code cache}, as if the
     * frames came one at a time. Frames without a model result yet are assumed to succeed.
     *
     * @return the frames that need the model and have no result yet
     */
    private List<Integer> walk(
            List<Pending> frames,
            Map<Integer, ModelResult> results,
            Map<String, LastAnalysis> cache,
            boolean emit) {
        List<Integer> unknown = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Pending p = frames.get(i);
            VideoFrame frame = p.envelope().getFrame();
            LastAnalysis last = gate.enabled() ? cache.get(frame.getStreamId()) : null;
            if (last != null
                    && gate.reuse(
                            last.thumbnail(),
                            last.ptsMicros(),
                            p.thumbnail(),
                            frame.getPtsMicros())) {
                if (emit) {
                    reused.inc();
                    collect(
                            p,
                            analysis(
                                    p.envelope(),
                                    last.detections(),
                                    last.embedding(),
                                    0,
                                    last.sequence()));
                }
                continue;
            }
            ModelResult result = results.get(i);
            if (result == null) {
                unknown.add(i);
            } else if (result.failure() != null) {
                if (emit) {
                    LOG.warn(
                            "Models {} failed on stream {} frame {}",
                            models,
                            frame.getStreamId(),
                            frame.getSequence(),
                            result.failure());
                    reject(
                            p.envelope(),
                            p.timestamp(),
                            ReasonCode.MODEL_FAILURE,
                            "Model failed: " + result.failure());
                }
                continue;
            } else if (emit) {
                analyzed.inc();
                collect(
                        p,
                        analysis(
                                p.envelope(),
                                result.detections(),
                                result.embedding(),
                                result.latencyMicros(),
                                null));
            }
            if (p.thumbnail() != null) {
                cache.put(
                        frame.getStreamId(),
                        new LastAnalysis(
                                p.thumbnail(),
                                frame.getPtsMicros(),
                                frame.getSequence(),
                                result == null ? null : result.detections(),
                                result == null ? null : result.embedding()));
            }
        }
        if (emit && !unknown.isEmpty()) {
            throw new IllegalStateException("Frames " + unknown + " of a batch have no analysis");
        }
        return unknown;
    }

    /**
     * One detector call and one encoder call for the frames at {@code indices}; when that fails,
     * each frame alone, so that only the frames the models fail on are marked failed.
     */
    private void runModels(
            List<Pending> frames, List<Integer> indices, Map<Integer, ModelResult> results) {
        List<BufferedImage> images = new ArrayList<>(indices.size());
        for (int i : indices) {
            images.add(frames.get(i).image());
        }
        long start = System.nanoTime();
        List<List<Detection>> detections;
        float[][] embeddings = null;
        try {
            detections = detector.detectAll(images);
            if (detections.size() != images.size()) {
                throw new IllegalStateException(
                        "Detector returned "
                                + detections.size()
                                + " results for "
                                + images.size()
                                + " images");
            }
            if (encoder != null) {
                embeddings = encoder.encodeImages(images);
                if (embeddings.length != images.size()) {
                    throw new IllegalStateException(
                            "Image encoder returned "
                                    + embeddings.length
                                    + " embeddings for "
                                    + images.size()
                                    + " images");
                }
            }
        } catch (RuntimeException e) {
            if (indices.size() == 1) {
                results.put(indices.get(0), new ModelResult(null, null, 0, e));
                return;
            }
            LOG.warn(
                    "Models {} failed on a batch of {} frames; retrying them one at a time",
                    models,
                    indices.size(),
                    e);
            for (int i : indices) {
                runModels(frames, List.of(i), results);
            }
            return;
        }
        long latencyMicros = (System.nanoTime() - start) / 1_000;
        modelLatencyMs.update(latencyMicros / 1_000);
        modelBatchSize.update(images.size());
        for (int k = 0; k < indices.size(); k++) {
            List<Float> embedding = embeddings == null ? List.of() : boxed(embeddings[k]);
            results.put(
                    indices.get(k),
                    new ModelResult(detections.get(k), embedding, latencyMicros, null));
        }
    }

    private void collect(Pending p, FrameAnalysis analysis) {
        output.collect(
                p.timestamp() == null
                        ? new StreamRecord<>(analysis)
                        : new StreamRecord<>(analysis, p.timestamp()));
    }

    private static List<Float> boxed(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
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
            if (detector != null) {
                detector.close();
            }
            if (encoder != null) {
                encoder.close();
            }
        } finally {
            super.close();
        }
    }
}
