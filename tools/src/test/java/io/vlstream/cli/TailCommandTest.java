package io.vlstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.Box;
import io.vlstream.avro.ContributionKind;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.Region;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.TermContribution;
import io.vlstream.kafka.VlstreamTopics;
import io.vlstream.local.EmbeddedKafkaBroker;
import io.vlstream.serde.AvroKafkaSerializer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code vlstream tail} reading what is published to a real broker's output topics. */
class TailCommandTest {

    private static final long T0 = 1_700_000_000_000_000L;

    private static EmbeddedKafkaBroker broker;
    private static int topicSets;

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
    void printsACaptionAScoreAndADeadLetter() throws Exception {
        VlstreamTopics topics = newTopics();
        publish(topics.captions(), "cam-1", caption("cam-1"));
        publish(topics.scores(), "cam-1", frameScore("cam-1", 12, 0.74f));
        publish(topics.dlq(), "cam-1", deadLetter());

        Cli.Result run = tail(topics, "--from-beginning", "--max", "3", "--timeout", "20s");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                // the caption, as the demo prints it, headed by its stream
                .contains("▶ cam-1 · van-watch")
                .contains("(80 frames)  score 0.74")
                .contains("\"3 people next to a truck\"")
                .contains("· a truck → #12 truck 0.61 [3,190,281,433]")
                .contains("evidence frames: #12 (0.74), #40 (0.71)")
                .contains("not grounded by the model: walking")
                // the score: stream, instruction, frame, score, top contributions
                .contains(
                        "◆ cam-1 · instruction van-watch \"people walking near a van\"  frame #12")
                .contains("score 0.74  \"3 people\"→person 0.83 ✓, van→truck/car 0.61 ✓")
                // the dead letter: reason, source, message
                .contains(
                        "✖ DLQ  CORRUPT_IMAGE at vlstream.frames/1@42 (stream cam-1, decode, 5000"
                                + " bytes): JPEG data ends early");
        assertThat(run.err()).contains("from the beginning");
    }

    @Test
    void showsOnlyTheChosenKindsAndStreams() throws Exception {
        VlstreamTopics topics = newTopics();
        publish(topics.captions(), "cam-2", caption("cam-2"));
        publish(topics.scores(), "cam-1", frameScore("cam-1", 1, 0.2f));
        publish(topics.scores(), "cam-2", frameScore("cam-2", 2, 0.3f));
        publish(topics.scores(), "lobby", frameScore("lobby", 3, 0.4f));

        Cli.Result run =
                tail(
                        topics,
                        "--topics",
                        "scores",
                        "--stream",
                        "cam-*",
                        "--from-beginning",
                        "--timeout",
                        "3s");

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out())
                .contains("◆ cam-1 ", "◆ cam-2 ")
                .doesNotContain("◆ lobby")
                .doesNotContain("▶");
    }

    @Test
    void fromNowShowsWhatArrivesAfterItStarts() throws Exception {
        VlstreamTopics topics = newTopics();
        publish(topics.scores(), "cam-1", frameScore("cam-1", 1, 0.11f));

        CompletableFuture<Cli.Result> running =
                CompletableFuture.supplyAsync(
                        () -> tail(topics, "--topics", "scores", "--max", "1", "--timeout", "30s"));
        // tail has resolved its start offsets before its first poll; give it that moment.
        Thread.sleep(3_000);
        publish(topics.scores(), "cam-1", frameScore("cam-1", 2, 0.22f));
        Cli.Result run = running.get(60, TimeUnit.SECONDS);

        assertThat(run.exit()).as(run.toString()).isZero();
        assertThat(run.out()).contains("frame #2").doesNotContain("frame #1 ");
    }

    @Test
    void readCommittedHidesAbortedTransactions() throws Exception {
        VlstreamTopics topics = newTopics();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tail-test-" + topics.scores());
        try (KafkaProducer<String, AlignmentScore> producer =
                new KafkaProducer<>(
                        props,
                        new StringSerializer(),
                        new AvroKafkaSerializer<>(AlignmentScore.class))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(
                    new ProducerRecord<>(topics.scores(), "cam-1", frameScore("cam-1", 7, 0.7f)));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(
                    new ProducerRecord<>(topics.scores(), "cam-1", frameScore("cam-1", 8, 0.8f)));
            producer.commitTransaction();
        }

        Cli.Result committed = tail(topics, "--from-beginning", "--timeout", "3s");
        Cli.Result all = tail(topics, "--from-beginning", "--no-read-committed", "--timeout", "3s");

        assertThat(committed.out()).contains("frame #8").doesNotContain("frame #7");
        assertThat(all.out()).contains("frame #8").contains("frame #7");
        assertThat(all.err()).contains("uncommitted records too");
    }

    @Test
    void exitsWithOneWhenTheTimeoutComesBeforeMaxRecords() throws Exception {
        VlstreamTopics topics = newTopics();
        publish(topics.dlq(), "cam-1", deadLetter());

        Cli.Result run = tail(topics, "--from-beginning", "--max", "2", "--timeout", "2s");

        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("CORRUPT_IMAGE");
    }

    private static Cli.Result tail(VlstreamTopics topics, String... args) {
        List<String> all = new ArrayList<>(List.of("tail"));
        all.addAll(List.of(args));
        all.addAll(
                List.of(
                        "-b",
                        broker.bootstrapServers(),
                        "--captions-topic",
                        topics.captions(),
                        "--scores-topic",
                        topics.scores(),
                        "--dlq-topic",
                        topics.dlq()));
        return Cli.run(all.toArray(String[]::new));
    }

    private static VlstreamTopics newTopics() {
        VlstreamTopics topics = VlstreamTopics.withPrefix("tail" + topicSets++ + ".");
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()))) {
            topics.createIfMissing(admin, 2);
        }
        return topics;
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void publish(String topic, String key, T record)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, T> producer =
                new KafkaProducer<>(
                        props,
                        new StringSerializer(),
                        new AvroKafkaSerializer<>((Class<T>) record.getClass()))) {
            producer.send(new ProducerRecord<>(topic, key, record)).get(30, TimeUnit.SECONDS);
        }
    }

    private static Region region(long frame, String label, float score, Box box) {
        return Region.newBuilder()
                .setFrameSequence(frame)
                .setPtsMicros(T0 + frame * 100_000)
                .setLabel(label)
                .setScore(score)
                .setBox(box)
                .build();
    }

    private static GroundedCaption caption(String stream) {
        Region person = region(12, "person", 0.83f, new Box(412f, 101f, 470f, 265f));
        Region truck = region(12, "truck", 0.61f, new Box(3f, 190f, 281f, 433f));
        return GroundedCaption.newBuilder()
                .setStreamId(stream)
                .setInstructionId("van-watch")
                .setInstructionText("people walking near a van")
                .setMomentId(stream + "/van-watch/1")
                .setStatus(MomentStatus.FINAL)
                .setMomentStartMicros(T0)
                .setMomentEndMicros(T0 + 7_900_000)
                .setFrameCount(80)
                .setCaption("3 people next to a truck")
                .setPhrases(
                        List.of(
                                new GroundedPhrase("3 people", 0, 8, List.of(person)),
                                new GroundedPhrase("a truck", 17, 24, List.of(truck))))
                .setEvidence(List.of(evidence(12, 0.74f), evidence(40, 0.71f)))
                .setAlignmentScore(0.74f)
                .setUngroundedTerms(List.of("walking"))
                .setModels(List.of(new ModelRef("detector", "centernet", "1")))
                .setEmittedAtMicros(T0 + 9_000_000)
                .setProcessingLatencyMicros(400_000)
                .build();
    }

    private static EvidenceFrame evidence(long frame, float relevance) {
        return EvidenceFrame.newBuilder()
                .setFrameSequence(frame)
                .setPtsMicros(T0 + frame * 100_000)
                .setRelevance(relevance)
                .setWidth(768)
                .setHeight(576)
                .build();
    }

    private static AlignmentScore frameScore(String stream, long frame, float score) {
        return AlignmentScore.newBuilder()
                .setStreamId(stream)
                .setSubjectKind(SubjectKind.INSTRUCTION)
                .setSubjectId("van-watch")
                .setSubjectText("people walking near a van")
                .setStartMicros(T0 + frame * 100_000)
                .setEndMicros(T0 + frame * 100_000)
                .setFrameSequence(frame)
                .setScore(score)
                .setContributions(
                        List.of(
                                contribution("van", List.of("truck", "car"), 0.5f, 0.61f),
                                contribution("3 people", List.of("person"), 0.5f, 0.83f)))
                .setUngroundedTerms(List.of("walking"))
                .setModels(List.of(new ModelRef("detector", "centernet", "1")))
                .setEmittedAtMicros(T0 + frame * 100_000 + 50_000)
                .build();
    }

    private static TermContribution contribution(
            String term, List<String> labels, float weight, float score) {
        return TermContribution.newBuilder()
                .setTerm(term)
                .setKind(ContributionKind.OBJECT)
                .setLabels(labels)
                .setWeight(weight)
                .setScore(score)
                .setSatisfied(true)
                .build();
    }

    private static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setSourceTopic("vlstream.frames")
                .setSourcePartition(1)
                .setSourceOffset(42)
                .setReason(ReasonCode.CORRUPT_IMAGE)
                .setMessage("JPEG data ends early")
                .setStage("decode")
                .setStreamId(null)
                .setSourceKey(ByteBuffer.wrap("cam-1".getBytes(StandardCharsets.UTF_8)))
                .setPayloadHead(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01}))
                .setPayloadSize(5000)
                .setFailedAtMicros(T0)
                .build();
    }
}
