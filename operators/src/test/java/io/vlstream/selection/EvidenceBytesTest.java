package io.vlstream.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.internal.OpenMoment;
import io.vlstream.avro.internal.ScoredFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A key's evidence images are bounded in bytes: the least relevant frames lose theirs first. */
class EvidenceBytesTest {

    @Test
    void leastRelevantImagesGoFirstAndTheFramesStay() {
        List<ScoredFrame> evidence = new ArrayList<>();
        float[] scores = {0.9f, 0.5f, 0.7f, 0.6f};
        for (int i = 0; i < scores.length; i++) {
            evidence.add(
                    withImage(
                            SelectionTestData.frame(i * SelectionTestData.STEP, scores[i]), 1000));
        }
        // The recent best is one of the evidence frames, held as its own copy: counted once.
        ScoredFrame recent = withImage(ScoredFrame.newBuilder(evidence.get(0)).build(), 1000);
        OpenMoment open = moment(evidence, recent);

        int dropped = EvidenceBytes.bound(open, 2_500);

        assertThat(dropped).isEqualTo(2);
        assertThat(open.getEvidence()).hasSize(4);
        assertThat(open.getEvidence())
                .extracting(f -> f.getImage() != null)
                .containsExactly(true, false, true, false);
        assertThat(open.getRecentBest().getImage()).isNotNull();
        assertThat(EvidenceBytes.bound(open, 2_500)).isZero();
        assertThat(EvidenceBytes.bound(open, 500)).isEqualTo(2);
        assertThat(open.getRecentBest().getImage()).isNull();
        assertThat(open.getEvidence()).allSatisfy(f -> assertThat(f.getImage()).isNull());
    }

    private static ScoredFrame withImage(ScoredFrame frame, int bytes) {
        frame.setImage(ByteBuffer.wrap(new byte[bytes]));
        return frame;
    }

    private static OpenMoment moment(List<ScoredFrame> evidence, ScoredFrame recent) {
        return OpenMoment.newBuilder()
                .setStartMicros(0)
                .setLastAboveMicros(0)
                .setEndMicros(0)
                .setFrameCount(evidence.size())
                .setAboveCount(evidence.size())
                .setScoreSum(0)
                .setPeakScore(0.9f)
                .setLastReceivedAtMicros(0)
                .setEvidence(evidence)
                .setRecentBest(recent)
                .build();
    }
}
