package io.vlstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.TimedText;
import io.vlstream.local.EmbeddedKafkaBroker;
import io.vlstream.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vlstream texts} against a real broker: a subtitle file in, timed texts out. */
class TextsCommandTest {

    private static EmbeddedKafkaBroker broker;
    private static int topicCount;

    @TempDir Path dir;

    @BeforeAll
    static void start() throws Exception {
        broker = EmbeddedKafkaBroker.start();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aSubtitleFileBecomesTimedTextsOfTheStreamFromItsOrigin() throws Exception {
        String topic = newTopic();
        Path srt = dir.resolve("lobby.srt");
        Files.writeString(
                srt,
                "1\n00:00:01,000 --> 00:00:03,500\nA person walks in.\n\n"
                        + "2\n00:00:04,000 --> 00:00:06,000\nTwo people near the van.\n\n"
                        + "3\n00:00:07,000 --> 00:00:08,000\n"
                        + "x".repeat(5_000)
                        + "\n\n4\n00:00:61,000 --> 00:00:62,000\nbad time\n",
                StandardCharsets.UTF_8);
        long origin = 1_796_118_000_000_000L;

        Cli.Result run =
                Cli.run(
                        "texts",
                        srt.toString(),
                        "-b",
                        broker.bootstrapServers(),
                        "--topic",
                        topic,
                        "--stream",
                        "lobby",
                        "--origin",
                        "2026-12-01T09:40:00Z");

        // The too-long text and the bad time are reported and not sent; exit 1 says so.
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out())
                .contains("line 14:")
                .contains("out of range")
                .contains("line 10: FIELD_TOO_LONG")
                .contains("published 2 of 4 texts → " + topic + ", stream 'lobby'");
        List<ConsumerRecord<String, byte[]>> records = readAll(topic, 2);
        assertThat(records).extracting(ConsumerRecord::key).containsOnly("lobby");
        AvroCodec<TimedText> codec = AvroCodec.of(TimedText.class);
        TimedText first = codec.decode(records.get(0).value());
        assertThat(first.getStreamId()).isEqualTo("lobby");
        assertThat(first.getTextId()).isEqualTo("1");
        assertThat(first.getKind()).isEqualTo("subtitle");
        assertThat(first.getText()).isEqualTo("A person walks in.");
        assertThat(first.getStartMicros()).isEqualTo(origin + 1_000_000);
        assertThat(first.getEndMicros()).isEqualTo(origin + 3_500_000);
        assertThat(codec.decode(records.get(1).value()).getStartMicros())
                .isEqualTo(origin + 4_000_000);
    }

    @Test
    void aLabelFileIsSentWhole() throws Exception {
        String topic = newTopic();
        Path csv = dir.resolve("labels.csv");
        Files.writeString(csv, "start,end,text,id\n0,2.5,a dog,d1\n3,4,a cat,c1\n");

        Cli.Result run =
                Cli.run(
                        "texts",
                        csv.toString(),
                        "-b",
                        broker.bootstrapServers(),
                        "--topic",
                        topic,
                        "--stream",
                        "park",
                        "--origin",
                        "1000000");

        assertThat(run.exit()).as(run.toString()).isZero();
        List<ConsumerRecord<String, byte[]>> records = readAll(topic, 2);
        AvroCodec<TimedText> codec = AvroCodec.of(TimedText.class);
        assertThat(records)
                .extracting(r -> codec.decode(r.value()))
                .extracting(TimedText::getTextId, TimedText::getKind, TimedText::getEndMicros)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("d1", "label", 3_500_000L),
                        org.assertj.core.groups.Tuple.tuple("c1", "label", 5_000_000L));
    }

    @Test
    void aFileOfUnknownFormatOrABadOriginIsRefusedBeforeKafka() throws Exception {
        Path txt = dir.resolve("notes.txt");
        Files.writeString(txt, "hello");
        Cli.Result format = Cli.run("texts", txt.toString(), "--stream", "s", "-b", "nowhere:1");
        assertThat(format.exit()).isEqualTo(1);
        assertThat(format.err()).contains("give --format srt, vtt, csv or json");

        Path srt = dir.resolve("a.srt");
        Files.writeString(srt, "1\n00:00:01,000 --> 00:00:02,000\nx\n");
        Cli.Result origin =
                Cli.run("texts", srt.toString(), "--stream", "s", "--origin", "yesterday");
        assertThat(origin.exit()).isEqualTo(1);
        assertThat(origin.err()).contains("--origin 'yesterday' is not 'now'");
    }

    private static String newTopic() throws Exception {
        String topic = "texts-" + (++topicCount);
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        return topic;
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        return PartitionRecords.readAll(broker.bootstrapServers(), topic, expected);
    }
}
