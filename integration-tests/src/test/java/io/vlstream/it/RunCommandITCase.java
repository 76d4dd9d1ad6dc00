package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.VideoFrame;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vlstream run} as a user runs it: its own JVM, against an existing Kafka. Stopped (SIGTERM)
 * after its first frames and started again, it resumes from the checkpoint it kept on disk: every
 * frame published across the restart is scored exactly once for read_committed readers, and the
 * moment open at the stop is still captioned.
 */
class RunCommandITCase {

    private static final String GROUP = "run-command-it";

    @TempDir Path checkpoints;

    @Test
    void stoppedAndStartedAgainItResumesFromItsCheckpointLosingAndDoublingNothing()
            throws Exception {
        List<VideoFrame> frames = VlstreamCluster.vtest("cam-run", 60);
        try (LocalVlstream kafka = VlstreamCluster.broker(GROUP);
                TopicReader<AlignmentScore> scores = kafka.readScores(null);
                TopicReader<GroundedCaption> captions = kafka.readCaptions(null)) {
            VlstreamRunProcess first =
                    VlstreamRunProcess.start(kafka.bootstrapServers(), checkpoints, runSettings());
            assertThat(first.output()).noneMatch(line -> line.contains("resuming from"));
            kafka.applyInstruction(
                    "people",
                    VlstreamCluster.instruction("people", "a person"),
                    VlstreamCluster.APPLY_TIMEOUT);
            kafka.publishFrames(frames.subList(0, 30));
            kafka.awaitFramesProcessed(VlstreamCluster.OUTPUT_TIMEOUT);
            first.stop();
            assertThat(checkpointsOnDisk()).isNotEmpty();

            // Published while nothing runs: the next run must pick them up where the last left.
            kafka.publishFrames(frames.subList(30, 60));
            VlstreamRunProcess second =
                    VlstreamRunProcess.start(kafka.bootstrapServers(), checkpoints, runSettings());
            try {
                assertThat(second.output()).anyMatch(line -> line.contains("resuming from chk-"));

                List<AlignmentScore> all =
                        scores.await(
                                s -> frameScores(s).size() >= 60, VlstreamCluster.OUTPUT_TIMEOUT);
                List<Long> sequences = frameScores(all);
                assertThat(sequences).hasSize(60).doesNotHaveDuplicates();
                assertThat(sequences)
                        .containsExactlyInAnyOrderElementsOf(
                                frames.stream().map(VideoFrame::getSequence).toList());
                // The moment the first run had open lived on in the checkpoint: its caption starts
                // in the first run's frames. A fresh start would have lost it.
                long firstPts = frames.get(0).getPtsMicros();
                long secondRunPts = frames.get(30).getPtsMicros();
                Predicate<GroundedCaption> fromTheStart =
                        c ->
                                c.getMomentStartMicros() >= firstPts
                                        && c.getMomentStartMicros() < secondRunPts;
                assertThat(
                                captions.await(
                                        c -> c.stream().anyMatch(fromTheStart),
                                        Duration.ofMinutes(1)))
                        .anyMatch(fromTheStart);
            } finally {
                second.stop();
            }
        }
    }

    private static List<String> runSettings() {
        return List.of(
                "-D",
                "vlstream.kafka.group-id=" + GROUP,
                "-D",
                "vlstream.kafka.transactional-id-prefix=" + GROUP,
                "-D",
                "vlstream.checkpoint-interval=500ms",
                "-D",
                // Long enough that the first run's moment is still open when it stops.
                "vlstream.selection.quiet-timeout=30s",
                "-D",
                // 3 s of frames per run: only the two runs together reach an OPEN
                // caption, and only if the second resumed the first one's moment.
                "vlstream.selection.update-interval=4s");
    }

    /** Sequences of the frame scores of stream cam-run for instruction "people". */
    private static List<Long> frameScores(List<AlignmentScore> scores) {
        return scores.stream()
                .filter(s -> s.getStreamId().equals("cam-run"))
                .filter(s -> "people".equals(s.getSubjectId()))
                .filter(s -> s.getFrameSequence() != null)
                .map(AlignmentScore::getFrameSequence)
                .toList();
    }

    private List<Path> checkpointsOnDisk() throws IOException {
        try (Stream<Path> files = Files.walk(checkpoints)) {
            return files.filter(p -> p.getFileName().toString().equals("_metadata")).toList();
        }
    }
}
