package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import io.vlstream.jobs.FrameOptions;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.SelectionOptions;
import io.vlstream.jobs.VlstreamOptions;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import io.vlstream.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input lands on the DLQ with a distinct reason each, and good frames still get captions. */
class BadFramesITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = VlstreamCluster.miniCluster();

    private static final int MAX_RECORD_BYTES = 200_000;

    @Test
    void everyKindOfBadFrameIsDeadLetteredWhileGoodFramesAreCaptioned() throws Exception {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.GROUP_ID, "bad-frames-it");
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "bad-frames-it");
        conf.set(VlstreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(SelectionOptions.QUIET_TIMEOUT, Duration.ofSeconds(2));
        conf.set(FrameOptions.MAX_RECORD_BYTES, MAX_RECORD_BYTES);
        try (LocalVlstream local = LocalVlstream.start(conf, VlstreamCluster.PARALLELISM);
                TopicReader<DeadLetter> dlq = local.readDeadLetters(null);
                TopicReader<AlignmentScore> scores = local.readScores(null);
                TopicReader<GroundedCaption> captions = local.readCaptions(null)) {
            JobClient job = local.submit(VlstreamCluster.env(), b -> b);
            local.applyInstruction(
                    "people",
                    VlstreamCluster.instruction("people", "a person"),
                    VlstreamCluster.APPLY_TIMEOUT);
            List<VideoFrame> good = VlstreamCluster.vtest("gate", 60);
            AvroCodec<VideoFrame> frames = AvroCodec.of(VideoFrame.class);
            VideoFrame sample = good.get(10);
            byte[] jpeg = bytes(sample.getImage());

            local.publishFrames(good.subList(0, 30));
            byte[] garbage = new byte[20_000];
            new Random(7).nextBytes(garbage);
            garbage[0] = (byte) 0xFF;
            garbage[1] = (byte) 0xD8;
            local.publishRawFrame("gate", frames.encode(withImage(sample, garbage)));
            local.publishRawFrame(
                    "gate",
                    frames.encode(withImage(sample, Arrays.copyOf(jpeg, jpeg.length * 6 / 10))));
            local.publishRawFrame(
                    "gate",
                    frames.encode(
                            VideoFrame.newBuilder(sample)
                                    .setMetadata(Map.of("padding", "x".repeat(MAX_RECORD_BYTES)))
                                    .build()));
            local.publishRawFrame("gate", new byte[0]);
            local.publishRawFrame(
                    "gate",
                    AvroCodec.of(io.vlstream.avro.Instruction.class)
                            .encode(VlstreamCluster.instruction("not-a-frame", "a person")));
            abortedFrame(local, VideoFrame.newBuilder(sample).setStreamId("aborted").build());
            local.publishFrames(good.subList(30, 60));

            List<DeadLetter> letters =
                    dlq.await(d -> d.size() >= 5, VlstreamCluster.OUTPUT_TIMEOUT);
            scores.await(s -> s.size() >= 60, VlstreamCluster.OUTPUT_TIMEOUT);
            List<GroundedCaption> captioned =
                    captions.await(c -> !c.isEmpty(), VlstreamCluster.OUTPUT_TIMEOUT);
            Thread.sleep(1_500);
            job.cancel().get();

            assertThat(letters)
                    .extracting(DeadLetter::getReason)
                    .containsExactlyInAnyOrder(
                            ReasonCode.CORRUPT_IMAGE,
                            ReasonCode.TRUNCATED_IMAGE,
                            ReasonCode.OVERSIZED_RECORD,
                            ReasonCode.EMPTY_PAYLOAD,
                            ReasonCode.WRONG_SCHEMA);
            assertThat(letters)
                    .allSatisfy(
                            d -> {
                                assertThat(d.getSourceTopic())
                                        .isEqualTo(local.settings().kafka().topics().frames());
                                assertThat(d.getSourceOffset()).isNotNegative();
                                assertThat(d.getMessage()).isNotBlank();
                            });
            assertThat(dlq.records()).hasSize(5);
            // The job reads read_committed: the aborted frame was never there.
            assertThat(scores.records())
                    .hasSize(60)
                    .noneMatch(s -> s.getStreamId().equals("aborted"));
            assertThat(captioned).isNotEmpty();
            assertThat(captioned).allSatisfy(c -> assertThat(c.getStreamId()).isEqualTo("gate"));
        }
    }

    /** A frame a transactional producer wrote and then aborted (it crashed mid-transaction). */
    private static void abortedFrame(LocalVlstream local, VideoFrame frame) {
        Map<String, Object> props =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        local.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "bad-frames-it-aborting-producer");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(
                    new ProducerRecord<>(
                            local.settings().kafka().topics().frames(),
                            frame.getStreamId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            AvroCodec.of(VideoFrame.class).encode(frame)));
            producer.flush();
            producer.abortTransaction();
        }
    }

    private static VideoFrame withImage(VideoFrame frame, byte[] image) {
        return VideoFrame.newBuilder(frame).setImage(ByteBuffer.wrap(image)).build();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
