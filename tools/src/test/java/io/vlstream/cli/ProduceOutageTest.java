package io.vlstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.VideoFrame;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.local.EmbeddedKafkaBroker;
import io.vlstream.serde.AvroCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code vlstream produce} rides out a broker restart, as in a rolling restart: a file waits and
 * loses nothing; a live source keeps reading and drops its oldest frames, with a count.
 */
class ProduceOutageTest {

    private static final int FRAMES = 60;
    private static final Duration DOWN = Duration.ofSeconds(6);

    private Path data;
    private EmbeddedKafkaBroker broker;

    @BeforeEach
    void start() throws Exception {
        data = Files.createTempDirectory("vlstream-produce-outage-");
        broker = EmbeddedKafkaBroker.builder().withDataDir(data).start();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("frames", 1, (short) 1))).all().get();
        }
    }

    @AfterEach
    void stop() throws Exception {
        broker.close();
        try (var paths = Files.walk(data)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aFileWaitsOutABrokerRestartAndLosesNothing() throws Exception {
        CompletableFuture<Cli.Result> run = produce();
        restartBrokerAfter(Duration.ofSeconds(1));

        Cli.Result result = run.get(2, TimeUnit.MINUTES);
        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out())
                .contains("Kafka has acknowledged nothing for")
                .contains("Kafka is back after")
                .contains("rode out 1 Kafka outage(s)")
                .contains("published " + FRAMES + " frames");
        assertThat(sequences(FRAMES))
                .containsExactlyElementsOf(
                        java.util.stream.LongStream.range(0, FRAMES).boxed().toList());
    }

    @Test
    void aLiveSourceDropsItsOldestFramesDuringARestartAndCountsThem() throws Exception {
        CompletableFuture<Cli.Result> run = produce("--live", "--live-buffer", "5");
        restartBrokerAfter(Duration.ofSeconds(1));

        Cli.Result result = run.get(2, TimeUnit.MINUTES);
        assertThat(result.exit()).as(result.toString()).isZero();
        java.util.regex.Matcher dropped =
                java.util.regex.Pattern.compile(
                                "(\\d+) frame\\(s\\) of the live source were dropped")
                        .matcher(result.out());
        assertThat(dropped.find()).as(result.out()).isTrue();
        int lost = Integer.parseInt(dropped.group(1));
        // 2 s of the 3 s fell into the outage: far more than the 5 + 5 frames it may hold.
        assertThat(lost).isGreaterThan(10);
        List<Long> kept = sequences(FRAMES - lost);
        assertThat(kept).hasSize(FRAMES - lost).doesNotHaveDuplicates().isSorted();
        // The first and the newest frames made it; what was dropped is one run in between.
        assertThat(kept).contains(0L, (long) FRAMES - 1);
        long gaps =
                java.util.stream.IntStream.range(1, kept.size())
                        .filter(i -> kept.get(i) - kept.get(i - 1) > 1)
                        .count();
        assertThat(gaps).isEqualTo(1);
    }

    private CompletableFuture<Cli.Result> produce(String... extra) throws Exception {
        String servers = broker.bootstrapServers();
        List<String> args =
                new java.util.ArrayList<>(
                        List.of(
                                "produce",
                                SampleMedia.vtestAvi().toString(),
                                "-b",
                                servers,
                                "--topic",
                                "frames",
                                "--max-frames",
                                String.valueOf(FRAMES),
                                "--fps",
                                "20",
                                "--jpeg-quality",
                                "0.5"));
        args.addAll(List.of(extra));
        return CompletableFuture.supplyAsync(() -> Cli.run(args.toArray(String[]::new)));
    }

    private void restartBrokerAfter(Duration delay) throws Exception {
        Thread.sleep(delay.toMillis());
        int port = broker.port();
        int controllerPort = broker.controllerPort();
        broker.close();
        Thread.sleep(DOWN.toMillis());
        broker =
                EmbeddedKafkaBroker.builder()
                        .withPort(port)
                        .withControllerPort(controllerPort)
                        .withDataDir(data)
                        .start();
    }

    private List<Long> sequences(int expected) {
        return PartitionRecords.readAll(broker.bootstrapServers(), "frames", expected).stream()
                .map(r -> AvroCodec.of(VideoFrame.class).decode(r.value()).getSequence())
                .toList();
    }
}
