package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.Region;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.VideoFrame;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo's scenario on the first 150 frames of vtest.avi, on real Kafka and a MiniCluster, with
 * two timed texts checked against the frames of their spans.
 */
class DemoScenarioITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = VlstreamCluster.miniCluster();

    private static final int FRAMES = 150;

    @Test
    void peopleWalkingPastParkedVansAreCaptionedWithBoxesAndLineage() throws Exception {
        try (LocalVlstream local = VlstreamCluster.broker("demo-it");
                TopicReader<GroundedCaption> captions = local.readCaptions(null);
                TopicReader<AlignmentScore> scores = local.readScores(null)) {
            JobClient job = local.submit(VlstreamCluster.env(), b -> b);
            local.applyInstruction(
                    "demo",
                    VlstreamCluster.instruction("demo", "people walking near a parked van"),
                    VlstreamCluster.APPLY_TIMEOUT);
            List<VideoFrame> frames = VlstreamCluster.vtest("vtest", FRAMES);
            // A label for the span where people pass the parked vans, and one for a span where
            // only a dog would do: the first is supported by the frames, the second is not.
            TimedText supported = text("label-1", frames, 110, 149, "a person next to a van");
            TimedText unsupported = text("label-2", frames, 0, 100, "a dog");
            local.publishText(supported);
            local.publishText(unsupported);
            local.publishFrames(frames);

            List<AlignmentScore> scored =
                    scores.await(s -> s.size() >= FRAMES + 2, VlstreamCluster.OUTPUT_TIMEOUT);
            List<AlignmentScore> frameScores =
                    scored.stream()
                            .filter(s -> s.getSubjectKind() == SubjectKind.INSTRUCTION)
                            .toList();
            assertThat(frameScores).hasSize(FRAMES);
            assertThat(frameScores)
                    .extracting(AlignmentScore::getFrameSequence)
                    .doesNotHaveDuplicates();
            AlignmentScore label1 = textScore(scored, "label-1");
            assertThat(label1.getScore()).isGreaterThan(0.3f);
            assertThat(label1.getEvidence())
                    .isNotEmpty()
                    .allSatisfy(
                            e ->
                                    assertThat(e.getPtsMicros())
                                            .isBetween(
                                                    supported.getStartMicros(),
                                                    supported.getEndMicros()));
            assertThat(label1.getContributions())
                    .extracting(c -> c.getLabels())
                    .anySatisfy(l -> assertThat(l).contains("person"));
            assertThat(textScore(scored, "label-2").getScore()).isZero();
            List<GroundedCaption> all =
                    captions.await(
                            c -> !c.isEmpty() && quietFor(captions),
                            VlstreamCluster.OUTPUT_TIMEOUT);
            job.cancel().get();

            long firstPts = frames.get(0).getPtsMicros();
            long lastPts = frames.get(FRAMES - 1).getPtsMicros();
            assertThat(all).isNotEmpty();
            for (GroundedCaption caption : all) {
                assertThat(caption.getStreamId()).isEqualTo("vtest");
                assertThat(caption.getMomentStartMicros())
                        .isBetween(firstPts, caption.getMomentEndMicros());
                assertThat(caption.getMomentEndMicros()).isLessThanOrEqualTo(lastPts);
                assertThat(caption.getCaption()).containsAnyOf("person", "people");
                assertThat(caption.getUngroundedTerms()).contains("walking", "parked");
                assertThat(caption.getModels())
                        .extracting(ModelRef::getRole)
                        .contains("detector", "lexicon", "captioner");
                assertThat(caption.getModels())
                        .allSatisfy(m -> assertThat(m.getVersion()).isNotBlank());
                assertThat(caption.getEvidence()).isNotEmpty();
                for (EvidenceFrame evidence : caption.getEvidence()) {
                    assertThat(evidence.getPtsMicros())
                            .isBetween(
                                    caption.getMomentStartMicros(), caption.getMomentEndMicros());
                    assertThat(evidence.getImage()).isNotNull();
                }
                GroundedPhrase people =
                        caption.getPhrases().stream()
                                .filter(
                                        p ->
                                                p.getRegions().stream()
                                                        .anyMatch(
                                                                r -> r.getLabel().equals("person")))
                                .findFirst()
                                .orElseThrow();
                assertThat(
                                caption.getCaption()
                                        .substring(people.getCharStart(), people.getCharEnd()))
                        .isEqualTo(people.getText());
                for (GroundedPhrase phrase : caption.getPhrases()) {
                    for (Region region : phrase.getRegions()) {
                        assertThat(region.getBox().getX1()).isBetween(0f, region.getBox().getX2());
                        assertThat(region.getBox().getX2()).isLessThanOrEqualTo(768f);
                        assertThat(region.getBox().getY1()).isBetween(0f, region.getBox().getY2());
                        assertThat(region.getBox().getY2()).isLessThanOrEqualTo(576f);
                        assertThat(region.getScore()).isBetween(0.3f, 1f);
                    }
                }
            }
        }
    }

    private static TimedText text(
            String id, List<VideoFrame> frames, int from, int to, String words) {
        return TimedText.newBuilder()
                .setStreamId("vtest")
                .setTextId(id)
                .setStartMicros(frames.get(from).getPtsMicros())
                .setEndMicros(frames.get(to).getPtsMicros())
                .setText(words)
                .setKind("label")
                .build();
    }

    private static AlignmentScore textScore(List<AlignmentScore> scores, String textId) {
        return scores.stream()
                .filter(
                        s ->
                                s.getSubjectKind() == SubjectKind.TIMED_TEXT
                                        && s.getSubjectId().equals(textId))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no score for timed text " + textId));
    }

    /** True once no new caption has arrived for a few seconds (the last moment has closed). */
    private static boolean quietFor(TopicReader<GroundedCaption> captions) {
        int before = captions.records().size();
        try {
            Thread.sleep(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return captions.records().size() == before;
    }
}
