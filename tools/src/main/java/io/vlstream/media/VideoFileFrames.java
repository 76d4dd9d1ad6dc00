package io.vlstream.media;

import io.vlstream.avro.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * Reads a video file, or a network stream FFmpeg can open (RTSP, HTTP, ...), with FFmpeg (JavaCV)
 * and yields its frames as JPEG-encoded {@link VideoFrame} records, ready for the frames topic.
 *
 * <p>Each record's {@code ptsMicros} is the configured base (epoch microseconds) plus the frame's
 * timestamp in the container; {@code sequence} is the frame's index among the file's decoded video
 * frames (0-based), so frames skipped by {@link Builder#withEveryNthFrame(int)} leave gaps.
 *
 * <p>Not thread-safe. The FFmpeg grabber holds native memory: close this (try-with-resources, or
 * close the {@link #stream()}) when done.
 */
public final class VideoFileFrames implements Iterator<VideoFrame>, AutoCloseable {

    /** The media type of every record this yields. */
    public static final String MEDIA_TYPE = "image/jpeg";

    /** Metadata key holding the video file's name. */
    public static final String SOURCE_KEY = "source";

    private static boolean ffmpegLogSet;

    private final Path file;
    private final String source;
    private final String streamId;
    private final long maxFrames;
    private final long ptsBaseMicros;
    private final int everyNth;
    private final Map<String, String> metadata;
    private final FFmpegFrameGrabber grabber;
    private final Java2DFrameConverter converter = new Java2DFrameConverter();
    private final ImageWriter jpegWriter;
    private final ImageWriteParam jpegParam;
    private final VideoInfo info;

    private long decoded;
    private long emitted;
    private long lastPts = Long.MIN_VALUE;
    private VideoFrame pending;
    private boolean exhausted;
    private boolean closed;

    private VideoFileFrames(Builder b) throws IOException {
        this.file = b.file;
        this.source = b.file != null ? b.file.toString() : withoutUserInfo(b.url);
        this.streamId =
                b.streamId != null
                        ? b.streamId
                        : defaultStreamId(b.file != null ? b.file.toString() : b.url.getPath());
        this.maxFrames = b.maxFrames;
        this.ptsBaseMicros =
                b.ptsBaseMicros != null ? b.ptsBaseMicros : System.currentTimeMillis() * 1000L;
        this.everyNth = b.everyNth;
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(SOURCE_KEY, file != null ? file.getFileName().toString() : source);
        meta.putAll(b.metadata);
        this.metadata = Map.copyOf(meta);

        this.grabber = b.file != null ? startGrabber(file) : startUrlGrabber(b.url, b.readTimeout);
        try {
            this.info = readInfo(file, grabber);
            this.jpegWriter = ImageIO.getImageWritersByFormatName("jpeg").next();
            this.jpegParam = jpegWriter.getDefaultWriteParam();
            jpegParam.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            jpegParam.setCompressionQuality(b.jpegQuality);
        } catch (RuntimeException e) {
            closeQuietly(grabber);
            converter.close();
            throw e;
        }
    }

    /** A builder; {@link Builder#setFile(Path)} or {@link Builder#setUrl(URI)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Opens {@code file} with the default options: every frame, JPEG quality 0.85. */
    public static VideoFileFrames open(Path file) throws IOException {
        return builder().setFile(file).open();
    }

    /** Reads a video file's frame rate, frame count and size without decoding any frame. */
    public static VideoInfo probe(Path file) throws IOException {
        FFmpegFrameGrabber grabber = startGrabber(file);
        try {
            return readInfo(file, grabber);
        } finally {
            closeQuietly(grabber);
        }
    }

    /** What the container says about the video. */
    public VideoInfo info() {
        return info;
    }

    /** The stream id every record carries. */
    public String streamId() {
        return streamId;
    }

    /**
     * Whether another frame is coming; decodes and encodes it if so.
     *
     * @throws UncheckedIOException when the file cannot be decoded further
     */
    @Override
    public boolean hasNext() {
        if (pending == null && !exhausted) {
            pending = readNext();
            exhausted = pending == null;
        }
        return pending != null;
    }

    /** The next frame as a record. */
    @Override
    public VideoFrame next() {
        if (!hasNext()) {
            throw new NoSuchElementException("No more frames in " + source);
        }
        VideoFrame next = pending;
        pending = null;
        return next;
    }

    /** The remaining frames as a sequential stream; closing the stream closes this. */
    public Stream<VideoFrame> stream() {
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(
                                this, Spliterator.ORDERED | Spliterator.NONNULL),
                        false)
                .onClose(this::close);
    }

    /** Releases the FFmpeg grabber and the JPEG encoder. Calling it again does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        exhausted = true;
        pending = null;
        try {
            closeQuietly(grabber);
        } finally {
            converter.close();
            jpegWriter.dispose();
        }
    }

    private VideoFrame readNext() {
        if (closed) {
            return null;
        }
        try {
            while (emitted < maxFrames) {
                boolean wanted = decoded % everyNth == 0;
                // Frames that are skipped are decoded (the codec needs them) but not converted.
                Frame frame = grabber.grabFrame(false, true, wanted, false);
                if (frame == null) {
                    return null;
                }
                long index = decoded++;
                if (frame.image == null || !wanted) {
                    continue;
                }
                emitted++;
                return toRecord(frame, index);
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    new IOException(
                            "Cannot decode frame "
                                    + decoded
                                    + " of video "
                                    + source
                                    + ": "
                                    + e.getMessage(),
                            e));
        }
    }

    private VideoFrame toRecord(Frame frame, long index) throws IOException {
        BufferedImage image = converter.convert(frame);
        long pts = ptsBaseMicros + frame.timestamp;
        // Some containers repeat or lack timestamps; event time must still move forward.
        if (pts <= lastPts) {
            pts = lastPts + 1;
        }
        lastPts = pts;
        return VideoFrame.newBuilder()
                .setStreamId(streamId)
                .setSequence(index)
                .setPtsMicros(pts)
                .setWidth(image.getWidth())
                .setHeight(image.getHeight())
                .setMediaType(MEDIA_TYPE)
                .setImage(ByteBuffer.wrap(encodeJpeg(image)))
                .setMetadata(metadata)
                .build();
    }

    private byte[] encodeJpeg(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * 1024);
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            jpegWriter.setOutput(out);
            jpegWriter.write(null, new IIOImage(image, null, null), jpegParam);
        } finally {
            jpegWriter.reset();
        }
        return bytes.toByteArray();
    }

    /**
     * FFmpeg logs to the console at INFO by default, and JavaCV prints the container's stream table
     * on every open: lowered to errors once, unless the application has set a level.
     */
    private static synchronized void quietFfmpegLog() {
        if (!ffmpegLogSet) {
            ffmpegLogSet = true;
            if (avutil.av_log_get_level() == avutil.AV_LOG_INFO) {
                avutil.av_log_set_level(avutil.AV_LOG_ERROR);
            }
        }
    }

    /**
     * Opens a network stream. FFmpeg waits for a silent server forever unless told otherwise: the
     * read timeout goes to every protocol ({@code rw_timeout}) and to RTSP's and HTTP's sockets
     * ({@code timeout}), both in microseconds.
     */
    private static FFmpegFrameGrabber startUrlGrabber(URI url, Duration readTimeout)
            throws IOException {
        quietFfmpegLog();
        String shown = withoutUserInfo(url);
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(url.toString());
        String micros = String.valueOf(readTimeout.toNanos() / 1_000);
        grabber.setOption("rw_timeout", micros);
        grabber.setOption("timeout", micros);
        if ("rtsp".equalsIgnoreCase(url.getScheme())) {
            // Over TCP, a lost packet cannot drop the frame's slices; UDP is often firewalled.
            grabber.setOption("rtsp_transport", "tcp");
        }
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new IOException(
                    "Cannot open video stream "
                            + shown
                            + " (unreachable, silent for "
                            + readTimeout.toMillis()
                            + " ms, or not a stream FFmpeg can read): "
                            + e.getMessage(),
                    e);
        }
        if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            closeQuietly(grabber);
            throw new IOException("Stream " + shown + " has no video");
        }
        return grabber;
    }

    /** A URL as it may be shown and stored: without a user name and password. */
    static String withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) {
            return url.toString();
        }
        return url.toString().replace(url.getRawUserInfo() + "@", "");
    }

    private static FFmpegFrameGrabber startGrabber(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        quietFfmpegLog();
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "video file not found");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IOException("Video file " + file + " is not a readable file");
        }
        FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile());
        try {
            grabber.start();
        } catch (FrameGrabber.Exception | RuntimeException e) {
            closeQuietly(grabber);
            throw new IOException(
                    "Cannot open video file "
                            + file
                            + " (is it a video FFmpeg can read?): "
                            + e.getMessage(),
                    e);
        }
        if (grabber.getImageWidth() <= 0 || grabber.getImageHeight() <= 0) {
            closeQuietly(grabber);
            throw new IOException("File " + file + " has no video stream");
        }
        return grabber;
    }

    private static VideoInfo readInfo(Path file, FFmpegFrameGrabber grabber) {
        int frames = grabber.getLengthInVideoFrames();
        long micros = grabber.getLengthInTime();
        return new VideoInfo(
                file,
                grabber.getFormat(),
                grabber.getVideoCodecName(),
                grabber.getImageWidth(),
                grabber.getImageHeight(),
                grabber.getFrameRate(),
                frames > 0 ? OptionalLong.of(frames) : OptionalLong.empty(),
                micros > 0 ? OptionalLong.of(micros) : OptionalLong.empty());
    }

    private static String defaultStreamId(String path) {
        String name = path == null ? "" : path.replaceAll("/+$", "");
        name = name.substring(name.lastIndexOf('/') + 1);
        if (name.isEmpty()) {
            return "stream";
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static void closeQuietly(FFmpegFrameGrabber grabber) {
        try {
            grabber.close();
        } catch (FrameGrabber.Exception e) {
            // Nothing left to do with a grabber that fails to release; the error is not the
            // caller's problem once the frames are read.
        }
    }

    @Override
    public String toString() {
        return "VideoFileFrames{"
                + source
                + ", streamId="
                + streamId
                + ", emitted="
                + emitted
                + "}";
    }

    /**
     * What a video file's container says about its video stream.
     *
     * @param file the file (null for a network stream)
     * @param format the container format, e.g. {@code avi}
     * @param codec the video codec, e.g. {@code mpeg4}
     * @param width frame width in pixels
     * @param height frame height in pixels
     * @param frameRate frames per second (0 when the container does not say)
     * @param frameCount number of video frames, when the container says
     * @param durationMicros length, when the container says
     */
    public record VideoInfo(
            Path file,
            String format,
            String codec,
            int width,
            int height,
            double frameRate,
            OptionalLong frameCount,
            OptionalLong durationMicros) {}

    /** Options for {@link VideoFileFrames}. */
    public static final class Builder {
        private Path file;
        private URI url;
        private Duration readTimeout = Duration.ofSeconds(10);
        private String streamId;
        private long maxFrames = Long.MAX_VALUE;
        private Long ptsBaseMicros;
        private float jpegQuality = 0.85f;
        private int everyNth = 1;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder() {}

        /** The video file to read (this or {@link #setUrl(URI)} is required). */
        public Builder setFile(Path file) {
            this.file = Objects.requireNonNull(file, "file");
            this.url = null;
            return this;
        }

        /**
         * A network stream to read instead of a file: any URL FFmpeg opens, e.g. {@code
         * rtsp://camera/stream1} or {@code https://host/clip.mp4}. Its timestamps count from the
         * stream's start as FFmpeg sees it.
         */
        public Builder setUrl(URI url) {
            this.url = Objects.requireNonNull(url, "url");
            this.file = null;
            return this;
        }

        /**
         * How long a network stream may stay silent (while opening or between packets) before
         * reading fails; default 10 s. Files ignore it.
         */
        public Builder withReadTimeout(Duration readTimeout) {
            this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
            return this;
        }

        /**
         * The records' stream id; defaults to the file name (or the URL's last path segment)
         * without its extension.
         */
        public Builder withStreamId(String streamId) {
            this.streamId = Objects.requireNonNull(streamId, "streamId");
            return this;
        }

        /** Stop after this many records; default: all frames. */
        public Builder withMaxFrames(long maxFrames) {
            this.maxFrames = maxFrames;
            return this;
        }

        /**
         * The event time of the video's start, in microseconds since the epoch; a frame's {@code
         * ptsMicros} is this plus its container timestamp. Default: the time of {@link #open()}.
         */
        public Builder withPtsBaseMicros(long ptsBaseMicros) {
            this.ptsBaseMicros = ptsBaseMicros;
            return this;
        }

        /** JPEG quality, from 0 (smallest) to 1 (best); default 0.85. */
        public Builder withJpegQuality(float jpegQuality) {
            this.jpegQuality = jpegQuality;
            return this;
        }

        /** Keep one frame in {@code n} (the 1st, the (n+1)th, ...); default 1: every frame. */
        public Builder withEveryNthFrame(int n) {
            this.everyNth = n;
            return this;
        }

        /** An extra metadata entry on every record (beside {@code source}, the file name). */
        public Builder withMetadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
            return this;
        }

        /**
         * Opens the file and reads its header.
         *
         * @throws IOException naming the file when it is missing or FFmpeg cannot open it
         */
        public VideoFileFrames open() throws IOException {
            if (file == null && url == null) {
                throw new IllegalArgumentException(
                        "No video file or stream: call setFile(path) or setUrl(url)");
            }
            if (readTimeout.isNegative() || readTimeout.isZero()) {
                throw new IllegalArgumentException(
                        "readTimeout must be positive (e.g. 10 s), not " + readTimeout);
            }
            if (maxFrames < 0) {
                throw new IllegalArgumentException("maxFrames must be 0 or more, not " + maxFrames);
            }
            if (!(jpegQuality >= 0f && jpegQuality <= 1f)) {
                throw new IllegalArgumentException(
                        "jpegQuality must be between 0 and 1 (e.g. 0.85), not " + jpegQuality);
            }
            if (everyNth < 1) {
                throw new IllegalArgumentException(
                        "everyNthFrame must be 1 (every frame) or more, not " + everyNth);
            }
            return new VideoFileFrames(this);
        }
    }
}
