package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.VideoFrame;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Instructions are added and retired while the job runs, without a restart. */
class InstructionLifecycleITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = VlstreamCluster.miniCluster();

    @Test
    void anInstructionAddedAtRunTimeTakesEffectAndARetiredOneStops() throws Exception {
        try (LocalVlstream local = VlstreamCluster.broker("lifecycle-it");
                TopicReader<AlignmentScore> scores = local.readScores(null);
                TopicReader<GroundedCaption> captions = local.readCaptions(null)) {
            JobClient job = local.submit(VlstreamCluster.env(), b -> b);
            List<VideoFrame> video = VlstreamCluster.vtest("lobby", 90);

            // Phase 1: no instruction yet — frames are analyzed but nothing is scored.
            local.publishFrames(video.subList(0, 30));
            local.awaitFramesProcessed(VlstreamCluster.OUTPUT_TIMEOUT);
            // Phase 2: "people" added at run time; its frames get scores and a caption.
            local.applyInstruction(
                    "people",
                    VlstreamCluster.instruction("people", "a person"),
                    VlstreamCluster.APPLY_TIMEOUT);
            local.publishFrames(video.subList(30, 60));
            scores.await(s -> count(s, "people") >= 30, VlstreamCluster.OUTPUT_TIMEOUT);
            captions.await(c -> !c.isEmpty(), VlstreamCluster.OUTPUT_TIMEOUT);
            // Phase 3: retired with a tombstone; later frames are no longer scored for it.
            local.applyInstruction("people", null, VlstreamCluster.APPLY_TIMEOUT);
            local.applyInstruction(
                    "vehicles",
                    VlstreamCluster.instruction("vehicles", "a vehicle"),
                    VlstreamCluster.APPLY_TIMEOUT);
            local.publishFrames(video.subList(60, 90));
            scores.await(s -> count(s, "vehicles") >= 30, VlstreamCluster.OUTPUT_TIMEOUT);
            Thread.sleep(2_000);
            List<AlignmentScore> all = scores.records();
            job.cancel().get();

            long firstAfterRetirement = video.get(60).getSequence();
            long firstAfterAdding = video.get(30).getSequence();
            List<AlignmentScore> people =
                    all.stream().filter(s -> s.getSubjectId().equals("people")).toList();
            assertThat(people).hasSize(30);
            assertThat(people)
                    .allSatisfy(
                            s ->
                                    assertThat(s.getFrameSequence())
                                            .isBetween(firstAfterAdding, firstAfterRetirement - 1));
            assertThat(people).anySatisfy(s -> assertThat(s.getScore()).isGreaterThan(0.5f));
            assertThat(all.stream().filter(s -> s.getSubjectId().equals("vehicles")))
                    .hasSize(30)
                    .allSatisfy(
                            s ->
                                    assertThat(s.getFrameSequence())
                                            .isGreaterThanOrEqualTo(firstAfterRetirement));
            assertThat(captions.records())
                    .filteredOn(c -> c.getInstructionId().equals("people"))
                    .isNotEmpty()
                    .allSatisfy(
                            c ->
                                    assertThat(c.getMomentEndMicros())
                                            .isLessThan(video.get(60).getPtsMicros()));
        }
    }

    private static long count(List<AlignmentScore> scores, String instructionId) {
        return scores.stream().filter(s -> s.getSubjectId().equals(instructionId)).count();
    }
}
