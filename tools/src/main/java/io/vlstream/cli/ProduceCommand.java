package io.vlstream.cli;

import io.vlstream.avro.VideoFrame;
import io.vlstream.media.ImageFolderFrames;
import io.vlstream.media.VideoFileFrames;
import io.vlstream.serde.AvroCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vlstream produce}: publishes a video file, a network stream or a folder of images to the
 * frames topic, keyed by stream id, with a progress line and a final count.
 */
@Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Publish video frames to Kafka: a video file, a network stream (RTSP, HTTP, ...) or a"
                    + " folder of JPEG/PNG images (in name order), as VideoFrame records keyed by"
                    + " stream id (acks=all, idempotent).",
            ""
        },
        footer = {
            "",
            "Examples:",
            "  vlstream produce clip.mp4 -b kafka:9092 --stream lobby --fps 10",
            "  vlstream produce rtsp://cam-7.local/stream1 --stream cam-7 --every-nth 3 \\",
            "      --kafka-properties client.properties",
            "  vlstream produce ./frames/ --stream dock --fps 2 --jpeg-quality 0.8",
            "",
            "Exit status: 0 when every frame was published; 1 when Kafka or the source failed,"
                    + " or a frame was too large for Kafka (each is reported); 2 on bad options."
        })
final class ProduceCommand implements java.util.concurrent.Callable<Integer> {

    private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.+");

    @Spec CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "SOURCE",
            description =
                    "A video file (anything FFmpeg decodes), a stream URL (rtsp://, http://,"
                            + " https://, ...) or a folder of JPEG/PNG images (*.jpg, *.jpeg, *.png).")
    String source;

    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            defaultValue = "vlstream.frames",
            description = "Frames topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--stream",
            paramLabel = "ID",
            description =
                    "Stream id, the records' key (default: the file's name without extension, the"
                            + " folder's name, or the URL's last path segment).")
    String streamId;

    @Option(
            names = "--fps",
            paramLabel = "FPS",
            defaultValue = "0",
            description =
                    "Publish at most this many frames per second, as a live camera would (default:"
                            + " 0, as fast as possible). For a folder it also spaces the images'"
                            + " timestamps 1/FPS apart (1 s apart when 0).")
    double fps;

    @Option(
            names = "--jpeg-quality",
            paramLabel = "Q",
            description =
                    "JPEG quality from 0 to 1 (default: 0.85 for video). For a folder, every image"
                            + " is re-encoded as JPEG at this quality; without it the files are"
                            + " published as they are.")
    Float jpegQuality;

    @Option(
            names = "--max-frames",
            paramLabel = "N",
            defaultValue = "0",
            description = "Stop after publishing N frames (default: 0, all).")
    long maxFrames;

    @Option(
            names = "--every-nth",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Publish one frame in N (default: 1, every frame); frames keep their own"
                            + " sequence numbers and timestamps.")
    int everyNth;

    @Option(
            names = "--read-timeout",
            paramLabel = "DURATION",
            defaultValue = "10s",
            converter = DurationConverter.class,
            description =
                    "For a stream URL: give up when it is silent this long, opening or between"
                            + " frames (default: ${DEFAULT-VALUE}).")
    Duration readTimeout;

    @Option(
            names = "--live",
            negatable = true,
            description =
                    "Treat the source as a live camera: reading never waits for Kafka, and while"
                            + " Kafka acknowledges nothing (a broker restart) the newest"
                            + " --live-buffer frames wait and older ones are dropped, with a count."
                            + " Default: on for a stream URL; off for a file or a folder, which"
                            + " waits instead, so nothing is lost.")
    Boolean live;

    @Option(
            names = "--live-buffer",
            paramLabel = "N",
            defaultValue = "100",
            description =
                    "Live sources: frames held while Kafka is unreachable (default:"
                            + " ${DEFAULT-VALUE}, 10 s at 10 fps; 1 to 100000).")
    int liveBuffer;

    @Option(
            names = "--max-outage",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description =
                    "How long to keep retrying while Kafka acknowledges nothing, as during a broker"
                            + " restart, before giving up (default: ${DEFAULT-VALUE}, at least 1m:"
                            + " Kafka's delivery timeout must exceed its request timeout). It"
                            + " overrides max.block.ms and delivery.timeout.ms from"
                            + " --kafka-properties. Kafka must be reachable at the start: that is"
                            + " checked within --kafka-timeout.")
    Duration maxOutage;

    @Mixin KafkaClientOptions kafka;

    private volatile boolean stopRequested;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        Console console = new Console(spec.commandLine().getOut(), System.console() != null);
        try {
            return produce(console);
        } catch (UserError e) {
            spec.commandLine().getErr().println("vlstream produce: " + e.getMessage());
            return 1;
        }
    }

    private void checkOptions() {
        if (!(fps >= 0) || Double.isInfinite(fps)) {
            throw usage("--fps must be 0 (as fast as possible) or more, not " + fps);
        }
        if (jpegQuality != null && !(jpegQuality >= 0f && jpegQuality <= 1f)) {
            throw usage("--jpeg-quality must be between 0 and 1 (e.g. 0.85), not " + jpegQuality);
        }
        if (maxFrames < 0) {
            throw usage("--max-frames must be 0 (all) or more, not " + maxFrames);
        }
        if (everyNth < 1) {
            throw usage("--every-nth must be 1 (every frame) or more, not " + everyNth);
        }
        if (streamId != null && streamId.isBlank()) {
            throw usage("--stream must not be blank");
        }
        if (liveBuffer < 1 || liveBuffer > 100_000) {
            throw usage("--live-buffer must be between 1 and 100000 frames, not " + liveBuffer);
        }
        if (maxOutage.compareTo(Duration.ofMinutes(1)) < 0) {
            throw usage("--max-outage must be at least 1m, not " + maxOutage);
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private int produce(Console console) throws Exception {
        long ptsBase = System.currentTimeMillis() * 1_000L;
        FrameSource frames = open(ptsBase);
        try (frames) {
            KafkaTopicsCheck.partitions(kafka.admin(), List.of(topic), kafka.timeout);
            return publishWithStop(frames, console);
        }
    }

    /** Publishes everything; Ctrl-C stops after the frame in hand, with the final count. */
    private int publishWithStop(FrameSource frames, Console console) throws Exception {
        CountDownLatch finished = new CountDownLatch(1);
        Thread onInterrupt =
                new Thread(
                        () -> {
                            stopRequested = true;
                            try {
                                finished.await(kafka.timeout.toMillis(), TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "vlstream-produce-stop");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            return publish(frames, console);
        } finally {
            // Only now may a Ctrl-C end the JVM: the final count has been printed.
            finished.countDown();
            removeHook(onInterrupt);
        }
    }

    private int publish(FrameSource frames, Console console) throws Exception {
        AvroCodec<VideoFrame> codec = AvroCodec.of(VideoFrame.class);
        AtomicLong acked = new AtomicLong();
        AtomicLong ackedBytes = new AtomicLong();
        AtomicLong oversized = new AtomicLong();
        AtomicReference<Exception> fatal = new AtomicReference<>();
        Progress progress = new Progress(console, "frames", frames.total());
        Pacer pacer = new Pacer(fps);
        boolean isLive = live != null ? live : isUrl(source);
        NewestFrames<VideoFrame> waiting = new NewestFrames<>(liveBuffer);
        // A live source hands the producer at most --live-buffer frames not yet acknowledged, so
        // an outage holds at most twice that many (the rest are dropped, oldest first).
        Semaphore unacknowledged = new Semaphore(isLive ? liveBuffer : Integer.MAX_VALUE);
        long read = 0;
        long start = System.nanoTime();
        try (OutageWatch outages = new OutageWatch(console);
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(
                                ridingOutages(
                                        kafka.producer("vlstream-produce-" + frames.streamId())),
                                new StringSerializer(),
                                new ByteArraySerializer())) {
            FrameSender send =
                    frame -> {
                        byte[] value = codec.encode(frame);
                        unacknowledged.acquireUninterruptibly();
                        outages.sent();
                        producer.send(
                                new ProducerRecord<>(topic, frame.getStreamId(), value),
                                (metadata, error) -> {
                                    unacknowledged.release();
                                    if (error == null) {
                                        acked.incrementAndGet();
                                        ackedBytes.addAndGet(value.length);
                                        outages.acked();
                                    } else if (error instanceof RecordTooLargeException) {
                                        oversized.incrementAndGet();
                                        outages.acked();
                                        console.block(tooLarge(frame, value.length, error));
                                    } else {
                                        outages.acked();
                                        fatal.compareAndSet(null, error);
                                    }
                                });
                    };
            Thread sender = isLive ? startSender(waiting, send, fatal, () -> stopRequested) : null;
            try {
                while (!stopRequested && fatal.get() == null && hasNext(frames)) {
                    VideoFrame frame = next(frames);
                    pacer.await(read);
                    if (isLive) {
                        waiting.offer(frame);
                    } else {
                        // Blocks while Kafka is unreachable and the producer's buffer is full: a
                        // file waits, up to --max-outage.
                        send.send(frame);
                    }
                    read++;
                    progress.update(read);
                }
            } finally {
                waiting.close();
                if (sender != null) {
                    sender.join();
                }
            }
            producer.flush();
            if (outages.outages() > 0) {
                console.block(
                        String.format(
                                Locale.ROOT,
                                "  rode out %d Kafka outage(s), the longest %.1f s",
                                outages.outages(),
                                outages.longestOutage().toMillis() / 1000.0));
            }
        } catch (KafkaException e) {
            fatal.compareAndSet(null, e);
        }
        progress.done(read);
        double seconds = (System.nanoTime() - start) / 1e9;
        console.block(
                String.format(
                        Locale.ROOT,
                        "  published %d frames, %d bytes (%.1f MB) in %.1f s: %.1f frames/s"
                                + " → %s, stream '%s'",
                        acked.get(),
                        ackedBytes.get(),
                        ackedBytes.get() / 1e6,
                        seconds,
                        seconds > 0 ? acked.get() / seconds : 0.0,
                        topic,
                        frames.streamId()));
        if (waiting.dropped() > 0) {
            console.block(
                    "  "
                            + waiting.dropped()
                            + " frame(s) of the live source were dropped, oldest first, while Kafka"
                            + " was unreachable (--live-buffer "
                            + liveBuffer
                            + ")");
        }
        if (oversized.get() > 0) {
            console.block(
                    "  "
                            + oversized.get()
                            + " frame(s) were too large for Kafka and were NOT published (see"
                            + " above)");
        }
        if (stopRequested) {
            console.block("  stopped before the end of " + frames.description());
        }
        if (fatal.get() != null) {
            throw new UserError(
                    "Publishing to "
                            + topic
                            + " on "
                            + kafka.servers()
                            + " failed after "
                            + acked.get()
                            + " frames: "
                            + fatal.get().getMessage()
                            + (fatal.get() instanceof TimeoutException
                                    ? " (Kafka acknowledged nothing for longer than --max-outage "
                                            + Durations.show(maxOutage)
                                            + ")"
                                    : ""),
                    fatal.get());
        }
        return oversized.get() > 0 ? 1 : 0;
    }

    /**
     * The producer retries on its own, in order and without duplicates (idempotence), for as long
     * as the feeder rides out an outage: sends block (a full buffer, no metadata) and deliveries
     * wait up to --max-outage.
     */
    private Properties ridingOutages(Properties producer) {
        long millis = maxOutage.toMillis();
        producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(millis));
        producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(millis));
        return producer;
    }

    /** Sends what a live source's reader leaves in {@code waiting}, on a thread of its own. */
    private static Thread startSender(
            NewestFrames<VideoFrame> waiting,
            FrameSender send,
            AtomicReference<Exception> fatal,
            java.util.function.BooleanSupplier stopped) {
        Thread sender =
                new Thread(
                        () -> {
                            try {
                                for (var frame = waiting.take();
                                        frame.isPresent()
                                                && fatal.get() == null
                                                && !stopped.getAsBoolean();
                                        frame = waiting.take()) {
                                    send.send(frame.get());
                                }
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            } catch (RuntimeException | Error e) {
                                fatal.compareAndSet(
                                        null,
                                        e instanceof Exception ex
                                                ? ex
                                                : new IllegalStateException("Sending failed", e));
                            }
                        },
                        "vlstream-produce-sender");
        sender.setDaemon(true);
        sender.start();
        return sender;
    }

    /** Encodes and sends one frame. */
    @FunctionalInterface
    private interface FrameSender {
        void send(VideoFrame frame);
    }

    static String tooLarge(VideoFrame frame, int bytes, Exception error) {
        return String.format(
                Locale.ROOT,
                "  ✖ frame #%d of stream '%s' is %d bytes, more than Kafka accepts (%s); it was NOT"
                        + " published. Lower --jpeg-quality, or raise the topic's"
                        + " max.message.bytes and max.request.size in --kafka-properties.",
                frame.getSequence(),
                frame.getStreamId(),
                bytes,
                error.getMessage());
    }

    private static boolean hasNext(FrameSource frames) {
        try {
            return frames.frames().hasNext();
        } catch (UncheckedIOException e) {
            throw new UserError(e.getCause().getMessage(), e);
        }
    }

    private static VideoFrame next(FrameSource frames) {
        try {
            return frames.frames().next();
        } catch (UncheckedIOException e) {
            throw new UserError(e.getCause().getMessage(), e);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down (Ctrl-C): the hook is running and waits for this thread.
        }
    }

    private FrameSource open(long ptsBase) {
        long max = maxFrames > 0 ? maxFrames : Long.MAX_VALUE;
        try {
            if (isUrl(source)) {
                URI url = new URI(source);
                VideoFileFrames video =
                        builder(ptsBase, max).setUrl(url).withReadTimeout(readTimeout).open();
                return new FrameSource(
                        video,
                        video,
                        maxFrames > 0 ? maxFrames : 0,
                        video.streamId(),
                        "stream " + source);
            }
            Path path = Path.of(source);
            if (Files.isDirectory(path)) {
                String id = streamId != null ? streamId : folderName(path);
                Duration spacing =
                        fps > 0 ? Duration.ofNanos((long) (1e9 / fps)) : Duration.ofSeconds(1);
                ImageFolderFrames images =
                        ImageFolderFrames.open(
                                path, id, ptsBase, spacing, everyNth, max, jpegQuality);
                return new FrameSource(images, images, images.frameCount(), id, "folder " + path);
            }
            VideoFileFrames video = builder(ptsBase, max).setFile(path).open();
            long total =
                    video.info().frameCount().stream()
                            .map(n -> Math.min(max, (n + everyNth - 1) / everyNth))
                            .findFirst()
                            .orElse(maxFrames > 0 ? maxFrames : 0);
            return new FrameSource(video, video, total, video.streamId(), "file " + path);
        } catch (URISyntaxException e) {
            throw new UserError("'" + source + "' is not a valid URL: " + e.getMessage());
        } catch (IOException e) {
            throw new UserError(e.getMessage(), e);
        }
    }

    private VideoFileFrames.Builder builder(long ptsBase, long max) {
        VideoFileFrames.Builder builder =
                VideoFileFrames.builder()
                        .withPtsBaseMicros(ptsBase)
                        .withMaxFrames(max)
                        .withEveryNthFrame(everyNth)
                        .withJpegQuality(jpegQuality != null ? jpegQuality : 0.85f);
        if (streamId != null) {
            builder.withStreamId(streamId);
        }
        return builder;
    }

    static boolean isUrl(String source) {
        return URL.matcher(source).matches();
    }

    private static String folderName(Path folder) {
        Path name = folder.toAbsolutePath().normalize().getFileName();
        return name != null ? name.toString() : "images";
    }

    /** What {@code produce} reads from: frames, how many are expected (0: unknown), names. */
    private record FrameSource(
            Iterator<VideoFrame> frames,
            AutoCloseable resource,
            long total,
            String streamId,
            String description)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            resource.close();
        }
    }
}
