package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.ContributionKind;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.ModelRef;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.ModelOptions;
import io.vlstream.jobs.SelectionOptions;
import io.vlstream.jobs.VlstreamOptions;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import io.vlstream.model.tf.TestSavedModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models chosen by configuration alone: a SavedModel dual encoder scores the frames and a
 * SavedModel encoder/decoder captioner writes the captions, both small but real TensorFlow models
 * built and saved by the test, on real Kafka, a MiniCluster and vtest.avi.
 */
class BringYourOwnModelsITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = VlstreamCluster.miniCluster();

    @TempDir static Path models;

    @Test
    void savedModelsSelectedByConfigurationScoreAndCaptionTheVideo() throws Exception {
        Path encoder = TestSavedModels.dualEncoder(models.resolve("dual-encoder"));
        Path captioner = TestSavedModels.captioner(models.resolve("captioner"));
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.GROUP_ID, "byom-it");
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, "byom-it");
        conf.set(VlstreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(SelectionOptions.QUIET_TIMEOUT, Duration.ofSeconds(2));
        conf.set(ModelOptions.MODEL_DUAL_ENCODER, "savedmodel:" + encoder);
        conf.set(
                ModelOptions.MODEL_CAPTIONER,
                "savedmodel:" + captioner + "?bos-token=[BOS]&stop-tokens=[EOS]&prompt=none");
        try (LocalVlstream local = LocalVlstream.start(conf, VlstreamCluster.PARALLELISM);
                TopicReader<AlignmentScore> scores = local.readScores(null);
                TopicReader<GroundedCaption> captions = local.readCaptions(null)) {
            JobClient job = local.submit(VlstreamCluster.env(), b -> b);
            // vtest.avi is grey: its red-minus-blue similarity is low, so a low threshold.
            Instruction instruction =
                    Instruction.newBuilder(VlstreamCluster.instruction("square", "a red square"))
                            .setScoreThreshold(0.01f)
                            .build();
            local.applyInstruction("square", instruction, VlstreamCluster.APPLY_TIMEOUT);
            local.publishFrames(VlstreamCluster.vtest("cam", 40));

            List<AlignmentScore> scored =
                    scores.await(s -> s.size() >= 40, VlstreamCluster.OUTPUT_TIMEOUT);
            List<GroundedCaption> captioned =
                    captions.await(c -> !c.isEmpty(), VlstreamCluster.OUTPUT_TIMEOUT);
            job.cancel().get();

            assertThat(scored).hasSize(40);
            assertThat(scored)
                    .allSatisfy(
                            s -> {
                                assertThat(s.getContributions().get(0).getKind())
                                        .isEqualTo(ContributionKind.SIMILARITY);
                                assertThat(s.getScore()).isBetween(0f, 1f);
                                assertThat(s.getModels())
                                        .extracting(ModelRef::getId)
                                        .contains("dual-encoder");
                            });
            assertThat(scored.stream().map(AlignmentScore::getScore).distinct().count())
                    .as("scores follow the frames, not a constant")
                    .isGreaterThan(1);
            assertThat(captioned)
                    .allSatisfy(
                            c -> {
                                assertThat(c.getCaption())
                                        .matches("(photo of )?a (red|blue) square");
                                assertThat(c.getModels())
                                        .filteredOn(m -> m.getRole().equals("captioner"))
                                        .singleElement()
                                        .satisfies(
                                                m -> {
                                                    assertThat(m.getId()).isEqualTo("captioner");
                                                    assertThat(m.getVersion())
                                                            .startsWith("sha256:");
                                                });
                            });
        }
    }
}
