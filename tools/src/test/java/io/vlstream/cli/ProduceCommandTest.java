package io.vlstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.vlstream.avro.VideoFrame;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.local.EmbeddedKafkaBroker;
import io.vlstream.serde.AvroCodec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlstream produce} against a real broker, with the real sample clip and real images. */
class ProduceCommandTest {

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;
    private static Path vtest;

    @BeforeAll
    static void start() throws Exception {
        vtest = SampleMedia.vtestAvi();
        broker = EmbeddedKafkaBroker.start();
        admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void streamsTheFirstThirtyFramesOfTheSampleClip() throws Exception {
        String topic = topic("clip", Map.of());

        Cli.Result run =
                Cli.run(
                        "produce",
                        vtest.toString(),
                        "-b",
                        broker.bootstrapServers(),
                        "--topic",
                        topic,
                        "--stream",
                        "cam-1",
                        "--max-frames",
                        "30");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("[##############################] frames 30/30")
                .containsPattern("published 30 frames, \\d+ bytes .* frames/s → " + topic);
        List<ConsumerRecord<String, byte[]>> records = readAll(topic, 30);
        assertThat(records).hasSize(30);
        long lastPts = Long.MIN_VALUE;
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            VideoFrame frame = AvroCodec.of(VideoFrame.class).decode(record.value());
            assertThat(record.key()).isEqualTo("cam-1");
            assertThat(frame.getStreamId()).isEqualTo("cam-1");
            assertThat(frame.getSequence()).isEqualTo(i);
            assertThat(frame.getPtsMicros()).isGreaterThan(lastPts);
            lastPts = frame.getPtsMicros();
            BufferedImage image = decode(frame.getImage());
            assertThat(image.getWidth()).isEqualTo(768);
            assertThat(image.getHeight()).isEqualTo(576);
        }
        // Event time: the clip's 10 fps, from about now.
        VideoFrame first = AvroCodec.of(VideoFrame.class).decode(records.get(0).value());
        assertThat(lastPts - first.getPtsMicros()).isEqualTo(29 * 100_000L);
        assertThat(first.getPtsMicros() / 1000)
                .isCloseTo(
                        System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    }

    @Test
    void everyNthAndFpsThinAndPaceTheFrames() throws Exception {
        String topic = topic("paced", Map.of());
        long start = System.nanoTime();

        Cli.Result run =
                Cli.run(
                        "produce",
                        vtest.toString(),
                        "-b",
                        broker.bootstrapServers(),
                        "--topic",
                        topic,
                        "--every-nth",
                        "3",
                        "--max-frames",
                        "6",
                        "--fps",
                        "10",
                        "--jpeg-quality",
                        "0.5");

        assertThat(run.exit()).as(run.toString()).isZero();
        // 6 frames at 10/s: the last is due 0.5 s after the first.
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isGreaterThan(Duration.ofMillis(450));
        List<VideoFrame> frames = frames(readAll(topic, 6));
        assertThat(frames)
                .extracting(VideoFrame::getSequence)
                .containsExactly(0L, 3L, 6L, 9L, 12L, 15L);
        assertThat(frames).extracting(VideoFrame::getStreamId).containsOnly("vtest");
    }

    @Test
    void publishesAFolderOfImagesInNameOrder(@TempDir Path dir) throws Exception {
        BufferedImage picture = firstFrameOfTheClip();
        ImageIO.write(picture, "png", dir.resolve("frame-2.png").toFile());
        ImageIO.write(picture, "jpg", dir.resolve("frame-10.jpg").toFile());
        ImageIO.write(
                picture.getSubimage(0, 0, 320, 240), "jpg", dir.resolve("frame-1.JPG").toFile());
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        String topic = topic("folder", Map.of());

        Cli.Result run =
                Cli.run(
                        "produce",
                        dir.toString(),
                        "-b",
                        broker.bootstrapServers(),
                        "--topic",
                        topic,
                        "--stream",
                        "dock",
                        "--fps",
                        "4");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("published 3 frames");
        List<VideoFrame> frames = frames(readAll(topic, 3));
        assertThat(frames)
                .extracting(f -> f.getMetadata().get("source"))
                .containsExactly("frame-1.JPG", "frame-2.png", "frame-10.jpg");
        assertThat(frames)
                .extracting(VideoFrame::getMediaType)
                .containsExactly("image/jpeg", "image/png", "image/jpeg");
        assertThat(frames).extracting(VideoFrame::getWidth).containsExactly(320, 768, 768);
        assertThat(frames).extracting(VideoFrame::getSequence).containsExactly(0L, 1L, 2L);
        // --fps 4 spaces the images a quarter second apart in event time.
        assertThat(frames.get(2).getPtsMicros() - frames.get(0).getPtsMicros()).isEqualTo(500_000L);
        // Published as they are: the same bytes as the files.
        assertThat(bytes(frames.get(1).getImage()))
                .isEqualTo(Files.readAllBytes(dir.resolve("frame-2.png")));

        String reencoded = topic("folder-jpeg", Map.of());
        Cli.Result jpeg =
                Cli.run(
                        "produce",
                        dir.toString(),
                        "-b",
                        broker.bootstrapServers(),
                        "--topic",
                        reencoded,
                        "--jpeg-quality",
                        "0.6");
        assertThat(jpeg.exit()).as(jpeg.toString()).isZero();
        List<VideoFrame> jpegs = frames(readAll(reencoded, 3));
        assertThat(jpegs).extracting(VideoFrame::getMediaType).containsOnly("image/jpeg");
        assertThat(jpegs)
                .extracting(VideoFrame::getStreamId)
                .containsOnly(dir.getFileName().toString());
        assertThat(decode(jpegs.get(1).getImage()).getWidth()).isEqualTo(768);
    }

    @Test
    void thePropertiesFileReachesTheProducer(@TempDir Path dir) throws Exception {
        Path properties = dir.resolve("client.properties");
        Files.writeString(
                properties,
                "client.id=cam-uploader-7\n"
                        + "interceptor.classes="
                        + RecordingProducerInterceptor.class.getName()
                        + "\n"
                        + "bootstrap.servers="
                        + broker.bootstrapServers()
                        + "\n");
        String topic = topic("props", Map.of());
        RecordingProducerInterceptor.SENT.set(0);

        Cli.Result run =
                Cli.run(
                        "produce",
                        vtest.toString(),
                        "--kafka-properties",
                        properties.toString(),
                        "--topic",
                        topic,
                        "--max-frames",
                        "4");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(RecordingProducerInterceptor.configs)
                .containsEntry("client.id", "cam-uploader-7");
        assertThat(RecordingProducerInterceptor.SENT.get()).isEqualTo(4);
        assertThat(readAll(topic, 4)).hasSize(4);
    }

    @Test
    void framesTooLargeForTheTopicAreReportedNotDropped() throws Exception {
        String topic = topic("small", Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "20000"));

        Cli.Result run =
                Cli.run(
                        "produce",
                        vtest.toString(),
                        "-b",
                        broker.bootstrapServers(),
                        "--topic",
                        topic,
                        "--max-frames",
                        "3");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .contains("frame #0 of stream 'vtest' is")
                .contains("frame #2 of stream 'vtest' is")
                .contains("NOT published")
                .contains("max.message.bytes")
                .contains("published 0 frames")
                .contains("3 frame(s) were too large");
    }

    @Test
    void anUnreachableBrokerFailsWithinTheTimeout() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        long start = System.nanoTime();

        Cli.Result run =
                Cli.run(
                        "produce",
                        vtest.toString(),
                        "-b",
                        "127.0.0.1:" + closedPort,
                        "--kafka-timeout",
                        "2s");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.err())
                .contains("Kafka at 127.0.0.1:" + closedPort + " did not answer within 2 s")
                .contains("--kafka-properties");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void clearErrorsForMissingSourcesTopicsAndBadOptions(@TempDir Path dir) throws Exception {
        Cli.Result missing =
                Cli.run(
                        "produce",
                        dir.resolve("nope.mp4").toString(),
                        "-b",
                        broker.bootstrapServers());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("vlstream produce:").contains("video file not found");

        Cli.Result empty = Cli.run("produce", dir.toString(), "-b", broker.bootstrapServers());
        assertThat(empty.exit()).isEqualTo(1);
        assertThat(empty.err()).contains("holds no JPEG or PNG image");

        Cli.Result noTopic =
                Cli.run(
                        "produce",
                        vtest.toString(),
                        "-b",
                        broker.bootstrapServers(),
                        "--topic",
                        "no-such-topic");
        assertThat(noTopic.exit()).isEqualTo(1);
        assertThat(noTopic.err()).contains("has no topic 'no-such-topic'");

        Cli.Result badQuality = Cli.run("produce", vtest.toString(), "--jpeg-quality", "85");
        assertThat(badQuality.exit()).isEqualTo(2);
        assertThat(badQuality.err()).contains("--jpeg-quality must be between 0 and 1");
    }

    @Test
    void readsAVideoOverHttp() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] clip = Files.readAllBytes(vtest);
        server.createContext(
                "/clips/vtest.avi",
                exchange -> {
                    exchange.getResponseHeaders().add("Content-Type", "video/x-msvideo");
                    exchange.sendResponseHeaders(200, clip.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(clip);
                    } catch (IOException e) {
                        // FFmpeg hangs up once it has the frames it wants.
                    }
                });
        server.start();
        try {
            String topic = topic("http", Map.of());
            Cli.Result run =
                    Cli.run(
                            "produce",
                            "http://127.0.0.1:"
                                    + server.getAddress().getPort()
                                    + "/clips/vtest.avi",
                            "-b",
                            broker.bootstrapServers(),
                            "--topic",
                            topic,
                            "--max-frames",
                            "5");

            assertThat(run.exit()).as(run.toString()).isZero();
            List<VideoFrame> frames = frames(readAll(topic, 5));
            assertThat(frames)
                    .extracting(VideoFrame::getSequence)
                    .containsExactly(0L, 1L, 2L, 3L, 4L);
            assertThat(frames).extracting(VideoFrame::getStreamId).containsOnly("vtest");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSilentStreamFailsAfterTheReadTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"))) {
            List<Socket> accepted = new ArrayList<>();
            Thread acceptor =
                    new Thread(
                            () -> {
                                try {
                                    while (true) {
                                        accepted.add(silent.accept());
                                    }
                                } catch (IOException e) {
                                    // closed
                                }
                            });
            acceptor.setDaemon(true);
            acceptor.start();
            long start = System.nanoTime();

            Cli.Result run =
                    Cli.run(
                            "produce",
                            "http://127.0.0.1:" + silent.getLocalPort() + "/live",
                            "-b",
                            broker.bootstrapServers(),
                            "--read-timeout",
                            "1s");

            assertThat(run.exit()).as(run.toString()).isEqualTo(1);
            assertThat(run.err()).contains("Cannot open video stream http://127.0.0.1:");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void helpNamesEveryOptionWithItsDefault() {
        Cli.Result produce = Cli.run("produce", "--help");
        assertThat(produce.exit()).isZero();
        assertThat(oneLine(produce.out()))
                .contains("Usage: vlstream produce")
                .contains("SOURCE", "--topic", "--stream", "--fps", "--jpeg-quality")
                .contains("--max-frames", "--every-nth", "--read-timeout", "--bootstrap-servers")
                .contains("--kafka-properties", "--kafka-timeout")
                .contains("default: vlstream.frames")
                .contains("Exit status:");

        Cli.Result add = Cli.run("instruct", "add", "--help");
        assertThat(add.exit()).isZero();
        assertThat(oneLine(add.out()))
                .contains("Usage: vlstream instruct add")
                .contains("--streams", "--stream-glob", "--evidence", "--threshold", "--prompt")
                .contains("default: vlstream.instructions");

        Cli.Result tail = Cli.run("tail", "--help");
        assertThat(tail.exit()).isZero();
        assertThat(oneLine(tail.out()))
                .contains("--topics", "captions, scores, dlq", "--from-beginning")
                .contains("--[no-]read-committed", "--stream", "--max", "--timeout");

        assertThat(Cli.run("--help").out()).contains("produce", "instruct", "tail");
    }

    /** Help text with its line wrapping undone. */
    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ");
    }

    @Test
    void tellsUrlsFromPaths() {
        assertThat(ProduceCommand.isUrl("rtsp://cam-7.local:554/stream1")).isTrue();
        assertThat(ProduceCommand.isUrl("https://host/clip.mp4")).isTrue();
        assertThat(ProduceCommand.isUrl("/data/clip.mp4")).isFalse();
        assertThat(ProduceCommand.isUrl("clips/rtsp:/x")).isFalse();
    }

    private static String topic(String name, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get();
        return name;
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        return PartitionRecords.readAll(broker.bootstrapServers(), topic, expected);
    }

    private static List<VideoFrame> frames(List<ConsumerRecord<String, byte[]>> records) {
        List<VideoFrame> frames = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            frames.add(AvroCodec.of(VideoFrame.class).decode(r.value()));
        }
        return frames;
    }

    private static BufferedImage firstFrameOfTheClip() throws IOException {
        try (var video = io.vlstream.media.VideoFileFrames.open(vtest)) {
            return decode(video.next().getImage());
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static BufferedImage decode(ByteBuffer image) throws IOException {
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes(image)));
        assertThat(decoded).as("a decodable image").isNotNull();
        return decoded;
    }
}
