package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.VideoFrame;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.LimitOptions;
import io.vlstream.jobs.SelectionOptions;
import io.vlstream.jobs.VlstreamOptions;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import io.vlstream.serde.AvroCodec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile input against one running job: every kind below is published to the real broker while the
 * job runs, and afterwards the job has not restarted once (Flink's own count), every hostile record
 * is accounted for (a dead letter with its reason at its offset, or the outputs it should have
 * made), and good frames on a fresh stream are scored and captioned again.
 */
class HostileInputITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = VlstreamCluster.miniCluster();

    /** Below the captions' embedded evidence (up to 512 KB): captions must be trimmed to fit. */
    private static final int MAX_OUTPUT_BYTES = 100_000;

    /** Low enough that the flood below reaches it quickly. */
    private static final int MAX_ACTIVE = 50;

    private static final AvroCodec<VideoFrame> FRAMES = AvroCodec.of(VideoFrame.class);
    private static final AvroCodec<Instruction> INSTRUCTIONS = AvroCodec.of(Instruction.class);
    private static final AvroCodec<TimedText> TEXTS = AvroCodec.of(TimedText.class);

    /** A hostile record and what must become of it: a dead letter, or outputs of its stream. */
    private record Expectation(
            String kind, RecordMetadata where, ReasonCode reason, String outputStream) {
        static Expectation dead(String kind, RecordMetadata where, ReasonCode reason) {
            return new Expectation(kind, where, reason, null);
        }

        static Expectation scored(String kind, RecordMetadata where, String stream) {
            return new Expectation(kind, where, null, stream);
        }
    }

    private final List<Expectation> expected = new ArrayList<>();
    private LocalVlstream local;

    @Test
    void noHostileRecordStopsTheJobAndEveryOneIsAccountedFor(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.GROUP_ID, "hostile-it");
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "hostile-it");
        conf.set(VlstreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(SelectionOptions.QUIET_TIMEOUT, Duration.ofSeconds(5));
        conf.set(LimitOptions.MAX_ACTIVE_INSTRUCTIONS, MAX_ACTIVE);
        conf.set(LimitOptions.MAX_OUTPUT_RECORD_BYTES, MAX_OUTPUT_BYTES);
        // A camera 90 min ahead is accepted (and its scores, timestamped 90 min ahead, must not be
        // refused by a broker that allows 1 h); 3 days ahead is not.
        conf.set(LimitOptions.MAX_PTS_AHEAD, Duration.ofHours(2));
        try (LocalVlstream started = LocalVlstream.start(conf, VlstreamCluster.PARALLELISM);
                TopicReader<DeadLetter> dlq = started.readDeadLetters(null);
                TopicReader<AlignmentScore> scores = started.readScores(null);
                TopicReader<GroundedCaption> captions = started.readCaptions(null)) {
            local = started;
            JobClient job = local.submit(VlstreamCluster.env(), b -> b);
            URI rest = cluster.getRestAddress().get();
            local.applyInstruction(
                    "people",
                    VlstreamCluster.instruction("people", "a person"),
                    VlstreamCluster.APPLY_TIMEOUT);
            local.applyInstruction(
                    "cams",
                    Instruction.newBuilder(VlstreamCluster.instruction("cams", "a car"))
                            .setStreamGlob("cam-*")
                            .build(),
                    VlstreamCluster.APPLY_TIMEOUT);
            // The most wildcards allowed, in the shape that makes a backtracking matcher explode.
            local.applyInstruction(
                    "eight-stars",
                    Instruction.newBuilder(VlstreamCluster.instruction("eight-stars", "a dog"))
                            .setStreamGlob("*a".repeat(7) + "*b")
                            .build(),
                    VlstreamCluster.APPLY_TIMEOUT);
            local.applyInstruction(
                    "retire-me",
                    Instruction.newBuilder(VlstreamCluster.instruction("retire-me", "a person"))
                            .setStreamIds(List.of("open-moment"))
                            .build(),
                    VlstreamCluster.APPLY_TIMEOUT);

            List<VideoFrame> vtest = VlstreamCluster.vtest("template", 40);
            long startedAt = System.nanoTime();
            long hostileFromMillis = System.currentTimeMillis();
            hostileFrames(vtest);
            hostileInstructions();
            hostileTexts();
            retireWhileOpen(vtest, scores);
            long hostileSeconds = (System.nanoTime() - startedAt) / 1_000_000_000L;

            // Good frames on a fresh stream, after all of it: scored and captioned again.
            long freshAt = System.nanoTime();
            long freshFromMillis = System.currentTimeMillis();
            local.publishFrames(VlstreamCluster.vtest("fresh-cam", 30));
            scores.await(
                    s -> count(s, "fresh-cam", "people") >= 30, VlstreamCluster.OUTPUT_TIMEOUT);
            double scoredAgainSeconds = (System.nanoTime() - freshAt) / 1e9;
            captions.await(
                    c -> c.stream().anyMatch(x -> x.getStreamId().equals("fresh-cam")),
                    VlstreamCluster.OUTPUT_TIMEOUT);
            double captionedAgainSeconds = (System.nanoTime() - freshAt) / 1e9;
            dlq.await(d -> accounted(d, scores.records()), VlstreamCluster.OUTPUT_TIMEOUT);
            local.checkJobAlive();

            JsonNode restarts = restarts(rest, job);
            JsonNode exceptions = get(rest, "/jobs/" + job.getJobID() + "/exceptions");
            JsonNode checkpoints = get(rest, "/jobs/" + job.getJobID() + "/checkpoints");
            JsonNode checkpointConfig =
                    get(rest, "/jobs/" + job.getJobID() + "/checkpoints/config");
            job.cancel().get();

            List<DeadLetter> letters = dlq.records();
            List<AlignmentScore> allScores = scores.records();
            List<GroundedCaption> allCaptions = captions.records();
            printTable(
                    letters, allScores, hostileSeconds, scoredAgainSeconds, captionedAgainSeconds);

            assertThat(restarts.path(0).path("id").asText()).isEqualTo("numRestarts");
            assertThat(restarts.path(0).path("value").asText()).isEqualTo("0");
            assertThat(exceptions.path("exceptionHistory").path("entries")).isEmpty();
            // Checkpoints complete all through the hostile load, with durable (filesystem) storage.
            assertThat(checkpoints.path("counts").path("completed").asInt()).isPositive();
            for (JsonNode c : checkpoints.path("history")) {
                if (c.path("status").asText().equals("FAILED")) {
                    System.out.println(
                            "failed checkpoint "
                                    + c.path("id")
                                    + " triggered at "
                                    + c.path("trigger_timestamp")
                                    + ": "
                                    + c.path("failure_message").asText());
                }
            }
            assertThat(failedCheckpointsSince(checkpoints, hostileFromMillis)).isEmpty();
            assertThat(
                            checkpoints
                                    .path("latest")
                                    .path("completed")
                                    .path("trigger_timestamp")
                                    .asLong())
                    .isGreaterThan(freshFromMillis);
            assertThat(checkpointConfig.path("checkpoint_storage").asText())
                    .isEqualTo("FileSystemCheckpointStorage");
            for (Expectation e : expected) {
                if (e.reason() != null) {
                    assertThat(letterAt(letters, e.where()))
                            .as("%s: a dead letter at its offset", e.kind())
                            .isNotNull()
                            .extracting(DeadLetter::getReason)
                            .as("%s: its reason", e.kind())
                            .isEqualTo(e.reason());
                } else if (e.outputStream() != null) {
                    assertThat(count(allScores, e.outputStream(), "people"))
                            .as("%s: scores of stream %s", e.kind(), e.outputStream())
                            .isPositive();
                }
            }
            // The flood: exactly the room left under the limit was taken, the rest refused.
            long flooded =
                    letters.stream()
                            .filter(d -> d.getReason() == ReasonCode.TOO_MANY_INSTRUCTIONS)
                            .count();
            assertThat(flooded).isEqualTo(FLOOD - (MAX_ACTIVE - 4));
            // Dead letters are small whatever the record was: key, message and payload bounded.
            AvroCodec<DeadLetter> letterCodec = AvroCodec.of(DeadLetter.class);
            assertThat(letters)
                    .allSatisfy(
                            d -> {
                                assertThat(letterCodec.encode(d).length).isLessThan(16_384);
                                assertThat(d.getMessage()).isNotBlank();
                            });
            // The instruction retired while its moment was open got its moment captioned.
            assertThat(allCaptions).anyMatch(c -> c.getInstructionId().equals("retire-me"));
            // Megabyte frames are captioned; every caption fits the (lowered) output limit, and
            // those whose evidence images did not fit say what they left out and keep the rest.
            assertThat(allCaptions).anyMatch(c -> c.getStreamId().equals("big-frames"));
            AvroCodec<GroundedCaption> captionCodec = AvroCodec.of(GroundedCaption.class);
            assertThat(allCaptions)
                    .allSatisfy(
                            c ->
                                    assertThat(captionCodec.encode(c).length)
                                            .isLessThanOrEqualTo(MAX_OUTPUT_BYTES));
            assertThat(allCaptions)
                    .anySatisfy(
                            c -> {
                                assertThat(c.getTrimmed())
                                        .anyMatch(t -> t.startsWith("evidence images"));
                                assertThat(c.getEvidence()).anyMatch(f -> f.getImage() != null);
                            });
            assertThat(allCaptions).anyMatch(c -> c.getStreamId().equals("fresh-cam"));
            // Good input is not doubled: one score per frame and instruction on the fresh stream.
            assertThat(
                            allScores.stream()
                                    .filter(s -> s.getStreamId().equals("fresh-cam"))
                                    .map(s -> s.getSubjectId() + "/" + s.getFrameSequence()))
                    .doesNotHaveDuplicates();
        }
    }

    private static final int FLOOD = 10_000;

    private void hostileFrames(List<VideoFrame> vtest) throws Exception {
        String topic = local.settings().kafka().topics().frames();
        VideoFrame good = vtest.get(5);
        long now = System.currentTimeMillis() * 1_000;
        dead(
                "stream id with a NUL (a glob is active)",
                frame(frame(good, "cam-\u0000-1")),
                ReasonCode.INVALID_ID);
        dead(
                "300 KB key and 300 KB stream id, payload not an image",
                new ProducerRecord<>(
                        topic,
                        "k".repeat(300_000).getBytes(StandardCharsets.UTF_8),
                        FRAMES.encode(
                                VideoFrame.newBuilder(frame(good, "s".repeat(300_000)))
                                        .setImage(ByteBuffer.wrap(new byte[5000]))
                                        .build())),
                ReasonCode.FIELD_TOO_LONG);
        dead(
                "stream id 300 KB, key short",
                frame(frame(good, "s".repeat(300_000))),
                ReasonCode.FIELD_TOO_LONG);
        dead(
                "pts 3 days ahead of the clock",
                frame(withPts(good, now + Duration.ofDays(3).toNanos() / 1_000)),
                ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        dead(
                "pts Long.MAX_VALUE",
                frame(withPts(good, Long.MAX_VALUE)),
                ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        dead(
                "negative pts (before 1970)",
                frame(withPts(good, -1_000_000L)),
                ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        dead(
                "bidi override in stream id",
                frame(frame(good, "cam-\u202Eevil")),
                ReasonCode.INVALID_ID);
        dead(
                "zero-width space in stream id",
                frame(frame(good, "cam\u200B1")),
                ReasonCode.INVALID_ID);
        dead("stream id not valid UTF-8", invalidUtf8StreamId(good), ReasonCode.INVALID_ID);
        Map<String, String> metadata = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            metadata.put("key-" + i, "v".repeat(1000));
        }
        dead(
                "1 MB metadata map",
                frame(VideoFrame.newBuilder(good).setMetadata(metadata).build()),
                ReasonCode.FIELD_TOO_LONG);
        dead(
                "100 KB media type",
                frame(VideoFrame.newBuilder(good).setMediaType("x".repeat(100_000)).build()),
                ReasonCode.FIELD_TOO_LONG);
        dead(
                "declared 100000x100000 image",
                frame(VideoFrame.newBuilder(good).setWidth(100_000).setHeight(100_000).build()),
                ReasonCode.IMAGE_TOO_LARGE);
        byte[] header = java.util.Arrays.copyOf(FRAMES.encode(good), 10);
        dead(
                "15-byte record declaring a 2 GB stream id",
                new ProducerRecord<>(topic, null, concat(header, zigZagVarint(2_000_000_000L))),
                ReasonCode.MALFORMED_RECORD);
        byte[] noise = new byte[20_000];
        new Random(9).nextBytes(noise);
        dead(
                "random bytes, not Avro",
                new ProducerRecord<>(topic, null, noise),
                ReasonCode.NOT_SINGLE_OBJECT_AVRO);

        // Valid but odd: each must be scored.
        scored(
                "stream id of 40 'a's (against the 8-star glob)",
                frame(frame(good, "a".repeat(40))),
                "a".repeat(40));
        scored(
                "frame without a key",
                new ProducerRecord<>(topic, null, FRAMES.encode(frame(good, "no-key"))),
                "no-key");
        scored(
                "pts 90 min ahead (within the limit; broker allows 1 h)",
                frame(
                        withPts(
                                frame(good, "clock-ahead"),
                                now + Duration.ofMinutes(90).toNanos() / 1_000)),
                "clock-ahead");
        VideoFrame twice = frame(good, "twice");
        scored("the same frame twice", frame(twice), "twice");
        scored("the same frame twice (again)", frame(twice), "twice");
        List<VideoFrame> backwards = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            backwards.add(frame(vtest.get(i), "backwards"));
        }
        for (VideoFrame f : backwards) {
            scored("pts going backwards", frame(f), "backwards");
        }
        scored(
                "resolution change mid-stream: full size",
                frame(frame(vtest.get(0), "resize")),
                "resize");
        scored(
                "resolution change mid-stream: half size",
                frame(halfSize(frame(vtest.get(1), "resize"))),
                "resize");
        // Made first, stamped when published: they must not be late for selection.
        List<VideoFrame> big = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            big.add(bigFrame(frame(vtest.get(10 + i), "big-frames")));
        }
        long first = big.get(0).getPtsMicros();
        long liveNow = System.currentTimeMillis() * 1_000;
        for (VideoFrame f : big) {
            scored(
                    "megabyte frames (evidence bytes bounded per key)",
                    frame(withPts(f, liveNow + f.getPtsMicros() - first)),
                    "big-frames");
        }
    }

    private void hostileInstructions() throws Exception {
        String topic = local.settings().kafka().topics().instructions();
        dead(
                "600 KB instruction text",
                instruction(
                        Instruction.newBuilder(VlstreamCluster.instruction("huge-text", "a person"))
                                .setText("a person near a car ".repeat(30_000))
                                .build()),
                ReasonCode.FIELD_TOO_LONG);
        dead(
                "glob with 14 stars",
                instruction(
                        Instruction.newBuilder(VlstreamCluster.instruction("fourteen", "a dog"))
                                .setStreamGlob("*a".repeat(14) + "*b")
                                .build()),
                ReasonCode.GLOB_TOO_COMPLEX);
        dead(
                "NUL in instruction id",
                instruction(VlstreamCluster.instruction("in\u0000st", "a cat")),
                ReasonCode.INVALID_ID);
        dead(
                "bidi control in instruction id",
                instruction(VlstreamCluster.instruction("in\u2067st", "a cat")),
                ReasonCode.INVALID_ID);
        dead(
                "instruction of 40 terms",
                instruction(
                        VlstreamCluster.instruction(
                                "many-terms",
                                String.join(
                                        " and ",
                                        List.of(
                                                "a person",
                                                "a bicycle",
                                                "a car",
                                                "a motorcycle",
                                                "an airplane",
                                                "a bus",
                                                "a train",
                                                "a truck",
                                                "a boat",
                                                "a bench",
                                                "a bird",
                                                "a cat",
                                                "a dog",
                                                "a horse",
                                                "a sheep",
                                                "a cow",
                                                "an elephant",
                                                "a bear",
                                                "a zebra",
                                                "a giraffe",
                                                "a backpack",
                                                "an umbrella",
                                                "a handbag",
                                                "a tie",
                                                "a suitcase",
                                                "a frisbee",
                                                "a kite",
                                                "a bottle",
                                                "a cup",
                                                "a fork",
                                                "a knife",
                                                "a spoon",
                                                "a bowl",
                                                "a banana",
                                                "an apple",
                                                "a sandwich",
                                                "an orange",
                                                "a pizza",
                                                "a donut",
                                                "a cake")))),
                ReasonCode.FIELD_TOO_LONG);
        List<String> streams = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            streams.add("cam-" + i);
        }
        dead(
                "instruction listing 5,000 streams",
                instruction(
                        Instruction.newBuilder(VlstreamCluster.instruction("wide", "a person"))
                                .setStreamIds(streams)
                                .build()),
                ReasonCode.FIELD_TOO_LONG);
        // A keyless record (a keyless tombstone included) cannot reach the job: the broker refuses
        // it on the compacted topic ("Compacted topic cannot accept message without key").
        expected.add(
                new Expectation(
                        "tombstone for an id never seen (retires nothing)",
                        local.publishRaw(
                                topic, "never-seen".getBytes(StandardCharsets.UTF_8), null),
                        null,
                        null));
        dead(
                "instruction key differs from its id",
                new ProducerRecord<>(
                        topic,
                        "other".getBytes(StandardCharsets.UTF_8),
                        INSTRUCTIONS.encode(VlstreamCluster.instruction("mine", "a cat"))),
                ReasonCode.INVALID_INSTRUCTION);
        dead(
                "2 KB key on the instructions topic",
                new ProducerRecord<>(
                        topic,
                        "i".repeat(2_000).getBytes(StandardCharsets.UTF_8),
                        INSTRUCTIONS.encode(
                                VlstreamCluster.instruction("i".repeat(2_000), "a cat"))),
                ReasonCode.FIELD_TOO_LONG);
        // 10,000 instructions: the first ones fill the limit, every later one is refused.
        List<ProducerRecord<byte[], byte[]>> flood = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            Instruction one =
                    Instruction.newBuilder(VlstreamCluster.instruction("flood-" + i, "a dog"))
                            .setStreamIds(List.of("flood-target"))
                            .build();
            flood.add(instruction(one));
        }
        local.publishRaw(flood);
        expected.add(
                new Expectation(
                        "10,000 instructions (limit " + MAX_ACTIVE + " active)", null, null, null));
    }

    private void hostileTexts() throws Exception {
        long now = System.currentTimeMillis() * 1_000;
        TimedText base =
                TimedText.newBuilder()
                        .setStreamId("fresh-cam")
                        .setTextId("t")
                        .setStartMicros(now)
                        .setEndMicros(now + 1_000_000)
                        .setText("a person")
                        .build();
        dead(
                "timed text spanning 100 years",
                text(
                        TimedText.newBuilder(base)
                                .setTextId("century")
                                .setEndMicros(now + Duration.ofDays(36_525).toNanos() / 1_000)
                                .build()),
                ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        dead(
                "timed text in the year 3000",
                text(
                        TimedText.newBuilder(base)
                                .setTextId("future")
                                .setStartMicros(32_503_680_000_000_000L)
                                .setEndMicros(32_503_680_001_000_000L)
                                .build()),
                ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        dead(
                "600 KB timed text",
                text(
                        TimedText.newBuilder(base)
                                .setTextId("long")
                                .setText("word ".repeat(120_000))
                                .build()),
                ReasonCode.FIELD_TOO_LONG);
        dead(
                "timed text starting before 1970",
                text(TimedText.newBuilder(base).setTextId("old").setStartMicros(-5).build()),
                ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        dead(
                "control character in text id",
                text(TimedText.newBuilder(base).setTextId("t\u0007").build()),
                ReasonCode.INVALID_ID);
    }

    /** An instruction retired (tombstone) while its moment is still open. */
    private void retireWhileOpen(List<VideoFrame> vtest, TopicReader<AlignmentScore> scores)
            throws Exception {
        // Live: pts from now (the 90-min-ahead camera holds the watermark at the clock, so frames
        // stamped when the test began would be late for selection by now).
        local.publishFrames(VlstreamCluster.vtest("open-moment", 20));
        scores.await(
                s -> count(s, "open-moment", "retire-me") >= 20, VlstreamCluster.OUTPUT_TIMEOUT);
        local.applyInstruction("retire-me", null, VlstreamCluster.APPLY_TIMEOUT);
        expected.add(
                new Expectation("instruction retired while its moment is open", null, null, null));
    }

    /** Whether every expected dead letter is there and every expected stream has scores. */
    private boolean accounted(List<DeadLetter> letters, List<AlignmentScore> scores) {
        for (Expectation e : expected) {
            if (e.reason() != null && letterAt(letters, e.where()) == null) {
                return false;
            }
            if (e.outputStream() != null && count(scores, e.outputStream(), "people") == 0) {
                return false;
            }
        }
        return letters.stream()
                        .filter(d -> d.getReason() == ReasonCode.TOO_MANY_INSTRUCTIONS)
                        .count()
                >= FLOOD - (MAX_ACTIVE - 4);
    }

    private static DeadLetter letterAt(List<DeadLetter> letters, RecordMetadata where) {
        for (DeadLetter d : letters) {
            if (d.getSourceTopic().equals(where.topic())
                    && d.getSourcePartition() == where.partition()
                    && d.getSourceOffset() == where.offset()) {
                return d;
            }
        }
        return null;
    }

    private static long count(List<AlignmentScore> scores, String stream, String instruction) {
        return scores.stream()
                .filter(s -> s.getStreamId().equals(stream))
                .filter(s -> s.getSubjectId().equals(instruction))
                .count();
    }

    private void printTable(
            List<DeadLetter> letters,
            List<AlignmentScore> scores,
            long hostileSeconds,
            double scoredAgainSeconds,
            double captionedAgainSeconds) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (Expectation e : expected) {
            String outcome;
            if (e.reason() != null) {
                DeadLetter d = letterAt(letters, e.where());
                outcome =
                        d == null ? "MISSING" : "DLQ " + d.getReason() + " (" + d.getStage() + ")";
            } else if (e.outputStream() != null) {
                outcome = "scored (" + count(scores, e.outputStream(), "people") + " scores)";
            } else {
                outcome = "see assertions";
            }
            rows.merge(e.kind(), outcome, (a, b) -> a.equals(b) ? a : a + "; " + b);
        }
        StringBuilder table = new StringBuilder("\n| hostile kind | what happened |\n|---|---|\n");
        rows.forEach((k, v) -> table.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        table.append("\nhostile records published in ")
                .append(hostileSeconds)
                .append(" s; fresh stream scored again ")
                .append(String.format("%.1f", scoredAgainSeconds))
                .append(" s and captioned ")
                .append(String.format("%.1f", captionedAgainSeconds))
                .append(" s after its first frame was published; dead letters: ")
                .append(letters.size());
        System.out.println(table);
    }

    private void dead(String kind, ProducerRecord<byte[], byte[]> record, ReasonCode reason)
            throws Exception {
        expected.add(Expectation.dead(kind, local.publishRaw(List.of(record)).get(0), reason));
    }

    private void scored(String kind, ProducerRecord<byte[], byte[]> record, String stream)
            throws Exception {
        expected.add(Expectation.scored(kind, local.publishRaw(List.of(record)).get(0), stream));
    }

    private ProducerRecord<byte[], byte[]> frame(VideoFrame frame) {
        String id = frame.getStreamId();
        byte[] key = id.length() > 1_000 ? null : id.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(
                local.settings().kafka().topics().frames(), key, FRAMES.encode(frame));
    }

    private ProducerRecord<byte[], byte[]> instruction(Instruction instruction) {
        return new ProducerRecord<>(
                local.settings().kafka().topics().instructions(),
                instruction.getInstructionId().getBytes(StandardCharsets.UTF_8),
                INSTRUCTIONS.encode(instruction));
    }

    private ProducerRecord<byte[], byte[]> text(TimedText text) {
        return new ProducerRecord<>(
                local.settings().kafka().topics().texts(),
                text.getStreamId().getBytes(StandardCharsets.UTF_8),
                TEXTS.encode(text));
    }

    /** A frame whose stream id bytes are not UTF-8: written as a placeholder, then overwritten. */
    private ProducerRecord<byte[], byte[]> invalidUtf8StreamId(VideoFrame good) {
        byte[] value = FRAMES.encode(frame(good, "PLACEHOLDER"));
        byte[] placeholder = "PLACEHOLDER".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(value, placeholder);
        for (int i = 0; i < placeholder.length; i++) {
            value[at + i] = (byte) (i % 2 == 0 ? 0xFF : 0xC3);
        }
        return new ProducerRecord<>(local.settings().kafka().topics().frames(), null, value);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** An Avro long (a length), as the binary encoding writes it. */
    private static byte[] zigZagVarint(long n) {
        long v = (n << 1) ^ (n >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("placeholder not found");
    }

    private static VideoFrame frame(VideoFrame frame, String streamId) {
        return VideoFrame.newBuilder(frame).setStreamId(streamId).build();
    }

    private static VideoFrame withPts(VideoFrame frame, long pts) {
        return VideoFrame.newBuilder(frame).setPtsMicros(pts).build();
    }

    private static VideoFrame halfSize(VideoFrame frame) throws Exception {
        BufferedImage image = read(frame);
        BufferedImage half =
                new BufferedImage(
                        image.getWidth() / 2, image.getHeight() / 2, BufferedImage.TYPE_INT_RGB);
        half.createGraphics().drawImage(image, 0, 0, half.getWidth(), half.getHeight(), null);
        return withImage(frame, half, 0.9f);
    }

    /** The frame scaled 4× with noise, encoded at high quality: well over a megabyte. */
    private static VideoFrame bigFrame(VideoFrame frame) throws Exception {
        BufferedImage image = read(frame);
        BufferedImage big =
                new BufferedImage(
                        image.getWidth() * 4, image.getHeight() * 4, BufferedImage.TYPE_INT_RGB);
        big.createGraphics().drawImage(image, 0, 0, big.getWidth(), big.getHeight(), null);
        Random noise = new Random(frame.getSequence());
        for (int y = 0; y < big.getHeight(); y++) {
            for (int x = 0; x < big.getWidth(); x++) {
                int rgb = big.getRGB(x, y);
                int n = noise.nextInt(24) - 12;
                int r = clamp(((rgb >> 16) & 0xFF) + n);
                int g = clamp(((rgb >> 8) & 0xFF) + n);
                int b = clamp((rgb & 0xFF) + n);
                big.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        VideoFrame out = withImage(frame, big, 0.95f);
        assertThat(out.getImage().remaining())
                .as("a big frame's JPEG bytes")
                .isGreaterThan(1_000_000);
        return out;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    private static BufferedImage read(VideoFrame frame) throws Exception {
        ByteBuffer copy = frame.getImage().duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }

    private static VideoFrame withImage(VideoFrame frame, BufferedImage image, float quality)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        try (var ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return VideoFrame.newBuilder(frame)
                .setWidth(image.getWidth())
                .setHeight(image.getHeight())
                .setImage(ByteBuffer.wrap(out.toByteArray()))
                .build();
    }

    /** Checkpoints (in the history REST keeps) that failed after {@code fromMillis}. */
    private static List<String> failedCheckpointsSince(JsonNode checkpoints, long fromMillis) {
        List<String> failed = new ArrayList<>();
        for (JsonNode c : checkpoints.path("history")) {
            if (c.path("status").asText().equals("FAILED")
                    && c.path("trigger_timestamp").asLong() >= fromMillis) {
                failed.add(c.path("id") + ": " + c.path("failure_message").asText());
            }
        }
        return failed;
    }

    /**
     * The job's numRestarts metric from Flink's REST API; the web monitor fetches metrics from the
     * task executors now and then, so the first answers may be empty.
     */
    private static JsonNode restarts(URI rest, JobClient job) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String path = "/jobs/" + job.getJobID() + "/metrics?get=numRestarts";
        JsonNode restarts = get(rest, path);
        while (restarts.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            restarts = get(rest, path);
        }
        return restarts;
    }

    private static JsonNode get(URI rest, String path) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(rest.resolve(path))
                                        .timeout(Duration.ofSeconds(30))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }
}
