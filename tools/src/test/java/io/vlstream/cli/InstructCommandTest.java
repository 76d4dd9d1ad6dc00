package io.vlstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Instruction;
import io.vlstream.kafka.VlstreamTopics;
import io.vlstream.local.EmbeddedKafkaBroker;
import io.vlstream.serde.AvroCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code vlstream instruct} against a real broker and vlstream's compacted instructions topic. */
class InstructCommandTest {

    private static EmbeddedKafkaBroker broker;
    private static int topicCount;

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
    void addThenRetireWritesTheInstructionThenATombstone() throws Exception {
        String topic = newTopic();

        Cli.Result add =
                instruct(
                        topic,
                        "add",
                        "van-watch",
                        "a person next to a van",
                        "--stream",
                        "cam-1",
                        "--stream",
                        "cam-2",
                        "--evidence",
                        "5",
                        "--threshold",
                        "0.5",
                        "--prompt",
                        "Say who is where.");
        Cli.Result retire = instruct(topic, "retire", "van-watch");

        assertThat(add.exit()).as(add.toString()).isZero();
        assertThat(add.out()).contains("published instruction 'van-watch' at " + topic + "/0@0");
        assertThat(retire.exit()).as(retire.toString()).isZero();
        assertThat(retire.out()).contains("retired instruction 'van-watch' (tombstone at");
        List<ConsumerRecord<String, byte[]>> records = readAll(topic, 2);
        assertThat(records)
                .extracting(ConsumerRecord::key)
                .containsExactly("van-watch", "van-watch");
        Instruction added = AvroCodec.of(Instruction.class).decode(records.get(0).value());
        assertThat(added.getInstructionId()).isEqualTo("van-watch");
        assertThat(added.getText()).isEqualTo("a person next to a van");
        assertThat(added.getActive()).isTrue();
        assertThat(added.getStreamIds()).containsExactly("cam-1", "cam-2");
        assertThat(added.getStreamGlob()).isNull();
        assertThat(added.getMaxEvidenceFrames()).isEqualTo(5);
        assertThat(added.getScoreThreshold()).isEqualTo(0.5f);
        assertThat(added.getCaptionPrompt()).isEqualTo("Say who is where.");
        assertThat(added.getUpdatedAtMicros() / 1000)
                .isCloseTo(
                        System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
        assertThat(records.get(1).value()).as("a tombstone").isNull();
    }

    @Test
    void retireInactiveWritesActiveFalse() throws Exception {
        String topic = newTopic();

        Cli.Result retire = instruct(topic, "retire", "lobby", "--inactive");

        assertThat(retire.exit()).as(retire.toString()).isZero();
        assertThat(retire.out()).contains("(active=false at");
        List<ConsumerRecord<String, byte[]>> records = readAll(topic, 1);
        assertThat(records.get(0).key()).isEqualTo("lobby");
        Instruction inactive = AvroCodec.of(Instruction.class).decode(records.get(0).value());
        assertThat(inactive.getInstructionId()).isEqualTo("lobby");
        assertThat(inactive.getActive()).isFalse();
    }

    @Test
    void listShowsTheLatestActiveInstructionPerId() throws Exception {
        String topic = newTopic();
        assertThat(instruct(topic, "add", "a", "two cars").exit()).isZero();
        assertThat(instruct(topic, "add", "b", "a dog", "--stream-glob", "cam-*").exit()).isZero();
        assertThat(instruct(topic, "add", "c", "a bus").exit()).isZero();
        assertThat(
                        instruct(topic, "add", "b", "a dog on a bench", "--stream-glob", "park-*")
                                .exit())
                .isZero();
        assertThat(instruct(topic, "retire", "a").exit()).isZero();
        assertThat(instruct(topic, "retire", "c", "--inactive").exit()).isZero();

        Cli.Result list = instruct(topic, "list");

        assertThat(list.exit()).as(list.toString()).isZero();
        assertThat(list.out())
                .contains("1 active instruction on " + topic + ":")
                .contains("b  \"a dog on a bench\"")
                .contains("streams glob park-*")
                .contains("evidence 3")
                .contains("threshold job default")
                .doesNotContain("two cars")
                .doesNotContain("a bus")
                .doesNotContain("cam-*");

        Cli.Result none = instruct(newTopic(), "list");
        assertThat(none.exit()).isZero();
        assertThat(none.out()).contains("0 active instructions");
    }

    @Test
    void invalidInstructionsAreRefusedWithTheJobsMessageAndNothingIsSent() throws Exception {
        String topic = newTopic();

        Cli.Result threshold = instruct(topic, "add", "x", "a van", "--threshold", "1.5");
        Cli.Result evidence = instruct(topic, "add", "x", "a van", "--evidence", "0");
        Cli.Result glob = instruct(topic, "add", "x", "a van", "--stream-glob", "cam-[");
        Cli.Result blank = instruct(topic, "add", "x", "   ");
        Cli.Result blankId = instruct(topic, "retire", " ");

        assertThat(threshold.exit()).isEqualTo(2);
        assertThat(threshold.err())
                .contains("Invalid instruction: scoreThreshold is 1.5; it must be in (0, 1]");
        assertThat(evidence.exit()).isEqualTo(2);
        assertThat(evidence.err())
                .contains("Invalid instruction: maxEvidenceFrames is 0; it must be 1..32");
        assertThat(glob.exit()).isEqualTo(2);
        assertThat(glob.err())
                .contains("Invalid instruction: stream glob 'cam-[' is not a valid glob");
        assertThat(blank.exit()).isEqualTo(2);
        assertThat(blank.err()).contains("Invalid instruction: text is blank");
        assertThat(blankId.exit()).isEqualTo(2);
        assertThat(blankId.err()).contains("instructionId is blank");
        assertThat(readAll(topic, 0)).isEmpty();
    }

    private static Cli.Result instruct(String topic, String... args) {
        List<String> all = new ArrayList<>(List.of("instruct"));
        all.addAll(List.of(args));
        all.addAll(List.of("-b", broker.bootstrapServers(), "--topic", topic));
        return Cli.run(all.toArray(String[]::new));
    }

    private static String newTopic() throws Exception {
        VlstreamTopics topics = VlstreamTopics.withPrefix("t" + topicCount++ + ".");
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()))) {
            topics.createIfMissing(admin, 1);
        }
        return topics.instructions();
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        return PartitionRecords.readAll(broker.bootstrapServers(), topic, expected);
    }
}
